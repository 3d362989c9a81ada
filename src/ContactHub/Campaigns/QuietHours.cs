using System.Globalization;
using PhoneNumbers;

namespace ContactHub.Campaigns;

/// <summary>Quiet hours in the contact's own time: the zone of their phone number when it has one, else the default.</summary>
public static class QuietHours
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static TimeZoneInfo ZoneOf(string? e164, string defaultZone)
    {
        if (e164 is not null)
        {
            try
            {
                var mapper = PhoneNumberToTimeZonesMapper.GetInstance();
                foreach (var id in mapper.GetTimeZonesForNumber(Phones.Parse(e164, null)))
                    if (id != mapper.GetUnknownTimeZone() && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return zone;
            }
            catch (NumberParseException) { }
        }
        return TimeZoneInfo.FindSystemTimeZoneById(defaultZone);
    }

    public static bool TryParse(string? text, out TimeSpan time) =>
        TimeSpan.TryParseExact(text, @"hh\:mm", CultureInfo.InvariantCulture, out time) && time < TimeSpan.FromDays(1);

    /// <summary>When the message may go: now, or the end of the quiet window the contact is in (as UTC).</summary>
    public static DateTimeOffset NextAllowed(DateTimeOffset now, string? quietStart, string? quietEnd, TimeZoneInfo zone)
    {
        if (!TryParse(quietStart, out var start) || !TryParse(quietEnd, out var end) || start == end) return now;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var t = local.TimeOfDay;
        var quiet = start < end ? t >= start && t < end : t >= start || t < end;
        if (!quiet) return now;
        var opening = local.Date + end;
        if (opening <= local.DateTime) opening = opening.AddDays(1);
        // A window opening inside a spring-forward gap opens at the first valid local time after it.
        return Hosting.LocalTimes.Instant(opening, zone);
    }
}
