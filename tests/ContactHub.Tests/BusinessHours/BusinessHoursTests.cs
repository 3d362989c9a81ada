using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.BusinessHours;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.BusinessHours;

/// <summary>Business-time arithmetic on hand-built cases: a weekend, a holiday, both nights the clocks change in Paris.</summary>
public sealed class BusinessTimeTests
{
    private static readonly string[][] Nine = [["09:00", "18:00"]];

    private static BusinessHoursRules Paris(IReadOnlyList<Holiday>? holidays = null, Dictionary<string, IReadOnlyList<string[]>>? weekly = null) =>
        new BusinessCalendar(1, "paris", "Europe/Paris", weekly ?? new Dictionary<string, IReadOnlyList<string[]>>
        {
            ["monday"] = Nine, ["tuesday"] = Nine, ["wednesday"] = Nine, ["thursday"] = Nine, ["friday"] = Nine,
        }, holidays ?? [], true, default, default).Rules();

    private static DateTimeOffset Local(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_call_missed_on_friday_at_17_55_and_returned_on_monday_at_09_05_waited_ten_business_minutes()
    {
        // Friday 20 November 2026 17:55 and Monday 23 November 09:05 in Paris (UTC+1).
        Assert.Equal(TimeSpan.FromMinutes(10), Paris().Between(Local("2026-11-20T17:55:00+01:00"), Local("2026-11-23T09:05:00+01:00")));
    }

    [Fact]
    public void A_holiday_is_skipped()
    {
        // Thursday 24 December 17:50 → Monday 28 December 09:10, Friday 25 December closed: 10 + 10 minutes.
        var rules = Paris([new Holiday(new DateOnly(2026, 12, 25), "Noël")]);
        Assert.Equal(TimeSpan.FromMinutes(20), rules.Between(Local("2026-12-24T17:50:00+01:00"), Local("2026-12-28T09:10:00+01:00")));
        Assert.False(rules.IsOpen(Local("2026-12-25T10:00:00+01:00")));
        Assert.True(Paris().IsOpen(Local("2026-12-25T10:00:00+01:00")));
    }

    [Fact]
    public void The_nights_the_clocks_change_are_as_long_as_they_are()
    {
        string[][] allDay = [["00:00", "24:00"]];
        var sundays = Paris(weekly: new() { ["sunday"] = allDay });
        // 29 March 2026: 02:00 → 03:00, a 23-hour Sunday; 25 October 2026: 03:00 → 02:00, a 25-hour Sunday.
        Assert.Equal(TimeSpan.FromHours(23), sundays.Between(Local("2026-03-28T12:00:00+01:00"), Local("2026-03-30T12:00:00+02:00")));
        Assert.Equal(TimeSpan.FromHours(25), sundays.Between(Local("2026-10-24T12:00:00+02:00"), Local("2026-10-26T12:00:00+01:00")));
        // 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer.
        Assert.True(Paris().IsOpen(Local("2026-03-27T08:00:00Z")));
        Assert.False(Paris().IsOpen(Local("2026-03-30T06:59:00Z")));
        Assert.True(Paris().IsOpen(Local("2026-03-30T07:00:00Z")));
    }

    [Fact]
    public void The_next_change_is_the_close_when_open_and_the_next_opening_when_closed()
    {
        Assert.Equal(Local("2026-11-20T18:00:00+01:00"), Paris().NextChange(Local("2026-11-20T17:00:00+01:00")));
        Assert.Equal(Local("2026-11-23T09:00:00+01:00"), Paris().NextChange(Local("2026-11-21T10:00:00+01:00")));
        Assert.Null(Paris(weekly: new()).NextChange(Local("2026-11-21T10:00:00+01:00"))); // never open
    }
}

public sealed class BusinessHoursOnSqlite(SqliteApp app) : BusinessHoursSuite<SqliteApp>(app);

public sealed class BusinessHoursOnPostgres(PostgresApp app) : BusinessHoursSuite<PostgresApp>(app);

/// <summary>Calendars through the API: created, checked field by field, and asked "are we open?".</summary>
public abstract class BusinessHoursSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    [SkippableFact]
    public async Task A_calendar_answers_whether_the_centre_is_open_and_until_when()
    {
        var api = App.Client();
        var created = await api.PostOk("/api/v1/business-hours", new
        {
            name = "paris-" + Guid.NewGuid().ToString("N")[..6], timeZone = "Europe/Paris", isDefault = true,
            weekly = new Dictionary<string, string[][]> { ["monday"] = [["09:00", "12:30"], ["13:30", "18:00"]], ["friday"] = [["09:00", "18:00"]] },
            holidays = new[] { new { date = "2026-12-25", name = "Noël" } },
        }, 201);
        var id = created["id"]!.GetValue<long>();

        var lunch = await api.GetOk($"/api/v1/business-hours/{id}/status?at={Uri.EscapeDataString("2026-11-23T12:45:00+01:00")}");
        Assert.False(lunch["open"]!.GetValue<bool>());
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T12:30:00Z"), lunch["nextChange"]!.GetValue<DateTimeOffset>()); // 13:30 Paris
        var friday = await api.GetOk($"/api/v1/business-hours/default/status?at={Uri.EscapeDataString("2026-11-27T10:00:00+01:00")}");
        Assert.True(friday["open"]!.GetValue<bool>());
        Assert.Equal(id, friday["calendarId"]!.GetValue<long>());
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T18:00:00+01:00"), friday["nextChangeLocal"]!.GetValue<DateTimeOffset>());
        var christmas = await api.GetOk($"/api/v1/business-hours/{id}/status?at={Uri.EscapeDataString("2026-12-25T10:00:00+01:00")}");
        Assert.False(christmas["open"]!.GetValue<bool>());

        // A time without its offset is the calendar's wall-clock time, as an IVR in Paris means it (it was UTC: 08:30 was 09:30 in Paris, open).
        var early = await api.GetOk($"/api/v1/business-hours/{id}/status?at=2026-11-23T08:30");
        Assert.False(early["open"]!.GetValue<bool>());
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T07:30:00Z"), early["at"]!.GetValue<DateTimeOffset>());
        Assert.True((await api.GetOk($"/api/v1/business-hours/{id}/status?at=2026-11-23T09:30"))["open"]!.GetValue<bool>());
        var unreadable = await (await api.GetAsync($"/api/v1/business-hours/{id}/status?at=tomorrow")).Expect(400);
        Assert.Contains("Europe/Paris", unreadable["errors"]!["at"]![0]!.GetValue<string>());

        var bad = await api.PostAsJsonAsync("/api/v1/business-hours", new
        {
            name = "", timeZone = "Mars/Olympus", weekly = new Dictionary<string, string[][]> { ["funday"] = [["09:00", "18:00"]], ["monday"] = [["18:00", "09:00"], ["25:00", "26:00"]] },
            holidays = new[] { new { date = "25/12/2026", name = "x" } },
        });
        var errors = (await bad.Expect(400))["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(["name", "timeZone", "weekly.funday", "weekly.monday[0]", "weekly.monday[1]", "holidays[0].date"], errors);
        Assert.Equal(404, (int)(await api.GetAsync("/api/v1/business-hours/999999/status")).StatusCode);
    }
}
