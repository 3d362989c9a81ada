using System.Security.Cryptography;
using System.Text.Json;
using ContactHub.Contacts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ContactHub.Desk;

/// <summary>
/// Short-lived, signed, read-only tokens bound to one contact lookup (a phone, an email or a CRM id), for the CRM iframe.
/// Data Protection (keys in the database) signs and encrypts them and checks their expiry.
/// </summary>
public sealed class EmbedTokens(IDataProtectionProvider provider, IOptions<EmbedOptions> options, TimeProvider clock)
{
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("ContactHub.Embed.v1").ToTimeLimitedDataProtector();

    private sealed record Payload(string Kind, string Value);

    public (string Token, DateTimeOffset ExpiresAt) Issue(Identifier lookup, TimeSpan? lifetime = null)
    {
        var life = lifetime is { } l && l < options.Value.TokenLifetime ? l : options.Value.TokenLifetime;
        var expires = clock.GetUtcNow() + life;
        var json = JsonSerializer.Serialize(new Payload(lookup.Kind, lookup.Value));
        return (_protector.Protect(json, expires), expires);
    }

    /// <summary>The lookup a token carries, or null when it is expired, tampered with or not ours.</summary>
    public Identifier? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096) return null;
        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(_protector.Unprotect(token, out _));
            return payload is null ? null : new Identifier(payload.Kind, "", payload.Value);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
