using System.Text.RegularExpressions;

namespace ContactHub.Hosting;

/// <summary>Masks personal data before anything reaches a log: +3361****678, j***@example.com.</summary>
public static partial class Redact
{
    public static string Phone(string phone) => phone.Length <= 8 ? "***" : phone[..5] + new string('*', phone.Length - 8) + phone[^3..];

    public static string Email(string email) => email.IndexOf('@') is var at and > 0 ? email[..1] + "***" + email[at..] : "***";

    /// <summary>Free text (provider errors, exception messages) with every email address and phone number in it masked.</summary>
    public static string Text(string? text) => text is null ? "" :
        PhoneLike().Replace(EmailLike().Replace(text, m => Email(m.Value)), m => Phone(m.Value));

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailLike();

    [GeneratedRegex(@"\+?\d[\d ().-]{7,}\d")]
    private static partial Regex PhoneLike();
}
