using System.Globalization;
using System.Text;

namespace ContactHub.Conversations;

/// <summary>An opaque keyset position in a timeline: the (occurredAt, id) of the last row seen.</summary>
public sealed record ActivityCursor(DateTimeOffset OccurredAt, long Id)
{
    public string Encode() => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{OccurredAt.UtcTicks}:{Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? text, out ActivityCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Length > 64) return false;
        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                cursor = new ActivityCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException) { }
        return false;
    }
}
