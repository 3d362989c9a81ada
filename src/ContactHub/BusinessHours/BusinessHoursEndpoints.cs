using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.BusinessHours;

public static partial class BusinessHoursEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record HolidayRequest(string? Date, string? Name);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CalendarRequest(string? Name, string? TimeZone, Dictionary<string, List<List<string>>>? Weekly, List<HolidayRequest>? Holidays = null, bool? IsDefault = null);

    /// <summary>"Are we open?" for an IVR or a chat widget.</summary>
    public sealed record OpenStatus(long CalendarId, string Calendar, DateTimeOffset At, bool Open, DateTimeOffset? NextChange, string TimeZone, DateTimeOffset? NextChangeLocal);

    public static ApiGroups MapBusinessHours(this ApiGroups api)
    {
        var group = api.Under("/business-hours", g => g.WithTags("Business hours").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListBusinessCalendars");
        group.Read.MapGet("/{id:long}", Get).WithName("GetBusinessCalendar");
        group.Admin.MapPost("/", Create).WithName("CreateBusinessCalendar")
            .WithSummary("A calendar: weekly opening hours in a time zone, holidays and closures; isDefault makes it the one service levels use.")
            .WithRequestExample("""
                {"name": "paris", "timeZone": "Europe/Paris", "isDefault": true,
                 "weekly": {"monday": [["09:00", "18:00"]], "tuesday": [["09:00", "18:00"]], "wednesday": [["09:00", "18:00"]],
                            "thursday": [["09:00", "18:00"]], "friday": [["09:00", "18:00"]], "saturday": [["10:00", "13:00"]]},
                 "holidays": [{"date": "2026-12-25", "name": "Noël"}, {"date": "2027-01-01", "name": "Jour de l'an"}]}
                """);
        group.Admin.MapPut("/{id:long}", Replace).WithName("ReplaceBusinessCalendar");
        group.Admin.MapDelete("/{id:long}", Delete).WithName("DeleteBusinessCalendar");
        group.Read.MapGet("/{id:long}/status", Status).WithName("BusinessHoursStatus")
            .WithSummary("Open at `at` (default now), and when that next changes: for IVRs and chat widgets.");
        group.Read.MapGet("/default/status", DefaultStatus).WithName("DefaultBusinessHoursStatus")
            .WithSummary("The same for the default calendar.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<BusinessCalendar>>> List(BusinessCalendarStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Ok<BusinessCalendar>, ProblemHttpResult>> Get(long id, BusinessCalendarStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } c ? TypedResults.Ok(c) : NotFound(id);

    private static async Task<Results<Created<BusinessCalendar>, ProblemHttpResult, ValidationProblem>> Create(CalendarRequest request, BusinessCalendarStore store,
        AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (Validate(request, out var input) is { } problem) return problem;
        var id = await store.SaveAsync(null, input!, ct);
        audit.Write(http, "business-hours.create", "business-calendar", id, details: input!.Name);
        return TypedResults.Created($"/api/v1/business-hours/{id}", (await store.GetAsync(id!.Value, ct))!);
    }

    private static async Task<Results<Ok<BusinessCalendar>, ProblemHttpResult, ValidationProblem>> Replace(long id, CalendarRequest request, BusinessCalendarStore store,
        AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (Validate(request, out var input) is { } problem) return problem;
        if (await store.SaveAsync(id, input!, ct) is null) return NotFound(id);
        audit.Write(http, "business-hours.update", "business-calendar", id, details: input!.Name);
        return TypedResults.Ok((await store.GetAsync(id, ct))!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, BusinessCalendarStore store, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (!await store.DeleteAsync(id, ct)) return NotFound(id);
        audit.Write(http, "business-hours.delete", "business-calendar", id);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<OpenStatus>, ProblemHttpResult, ValidationProblem>> Status(long id, BusinessCalendarStore store, TimeProvider clock,
        CancellationToken ct, string? at = null) =>
        await store.GetAsync(id, ct) is { } c ? StatusOf(c, at, clock) : NotFound(id);

    private static async Task<Results<Ok<OpenStatus>, ProblemHttpResult, ValidationProblem>> DefaultStatus(BusinessCalendarStore store, TimeProvider clock,
        CancellationToken ct, string? at = null) =>
        await store.DefaultAsync(ct) is { } c ? StatusOf(c, at, clock)
            : Problems.NotFound("No calendar is the default: create one with \"isDefault\": true.");

    /// <summary>Open at <paramref name="at"/>, now by default; a time without its offset is the calendar's wall-clock time, as an IVR in that centre means it.</summary>
    private static Results<Ok<OpenStatus>, ProblemHttpResult, ValidationProblem> StatusOf(BusinessCalendar c, string? at, TimeProvider clock)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(c.TimeZone);
        var errors = new Dictionary<string, string[]>();
        var moment = LocalTimes.ReadField(at, zone, endOfDay: false, "at", errors, LocalTimes.Expected($"the calendar's zone, {c.TimeZone}")) ?? clock.GetUtcNow();
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var rules = c.Rules();
        var next = rules.NextChange(moment);
        return TypedResults.Ok(new OpenStatus(c.Id, c.Name, moment, rules.IsOpen(moment), next, c.TimeZone, next is { } n ? TimeZoneInfo.ConvertTime(n, zone) : null));
    }

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Business calendar {id} does not exist.");

    /// <summary>The request as a calendar, or a problem naming each field at fault (weekly.monday[1], holidays[0].date…).</summary>
    private static ValidationProblem? Validate(CalendarRequest r, out BusinessCalendarInput? input)
    {
        input = null;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > 100) errors["name"] = ["1 to 100 characters."];
        if (string.IsNullOrWhiteSpace(r.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out _))
            errors["timeZone"] = ["An IANA time zone such as Europe/Paris."];
        var weekly = new Dictionary<string, IReadOnlyList<string[]>>();
        if (r.Weekly is null || r.Weekly.Count == 0) errors["weekly"] = ["Opening hours for at least one day: {\"monday\": [[\"09:00\", \"18:00\"]]}."];
        foreach (var (day, intervals) in r.Weekly ?? [])
        {
            var key = day.ToLowerInvariant();
            if (!BusinessCalendar.Days.Contains(key)) { errors[$"weekly.{day}"] = ["monday … sunday."]; continue; }
            var parsed = new List<string[]>();
            TimeSpan previousEnd = TimeSpan.Zero;
            foreach (var (interval, n) in (intervals ?? []).Select((i, n) => (i, n)))
            {
                var field = $"weekly.{key}[{n}]";
                if (interval is not { Count: 2 } || !Clock().IsMatch(interval[0]) || !Clock().IsMatch(interval[1]))
                { errors[field] = ["[\"HH:mm\", \"HH:mm\"] (24:00 ends the day)."]; continue; }
                var (start, end) = (BusinessHoursRules.Time(interval[0]), BusinessHoursRules.Time(interval[1]));
                if (start >= end) { errors[field] = ["Opens before it closes (a night shift is two intervals on two days)."]; continue; }
                if (start < previousEnd) { errors[field] = ["Intervals in order, without overlapping."]; continue; }
                previousEnd = end;
                parsed.Add([interval[0], interval[1]]);
            }
            weekly[key] = parsed;
        }
        var holidays = new List<Holiday>();
        foreach (var (h, n) in (r.Holidays ?? []).Select((h, n) => (h, n)))
        {
            if (!DateOnly.TryParseExact(h.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) errors[$"holidays[{n}].date"] = ["A date: yyyy-MM-dd."];
            else if (holidays.Any(x => x.Date == date)) errors[$"holidays[{n}].date"] = ["Given twice."];
            else if (h.Name?.Length > 100) errors[$"holidays[{n}].name"] = ["At most 100 characters."];
            else holidays.Add(new Holiday(date, h.Name?.Trim()));
        }
        if (holidays.Count > 1000) errors["holidays"] = ["At most 1000 dates."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        input = new BusinessCalendarInput(r.Name!.Trim(), r.TimeZone!, weekly, holidays.OrderBy(h => h.Date).ToList(), r.IsDefault ?? false);
        return null;
    }

    [GeneratedRegex("^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
    private static partial Regex Clock();
}
