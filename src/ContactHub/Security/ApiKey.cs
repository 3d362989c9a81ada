using System.Security.Cryptography;
using System.Text;

namespace ContactHub.Security;

public sealed record ApiKeyRow(long Id, string Name, string KeyPrefix, string KeyHash, string Salt, string Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record ApiKeyInfo(long Id, string Name, string KeyPrefix, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// A key reads <c>chk_{prefix}_{secret}</c>: the prefix finds the row, the secret is checked
/// against a salted SHA-256. The secret is 256 random bits, so a slow hash would add nothing but latency.
/// </summary>
public static class ApiKey
{
    /// <summary>How every key begins.</summary>
    public const string Prefix = "chk_";

    public static (string Plaintext, string Prefix, string Salt, string Hash) Generate()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        return ($"{Prefix}{prefix}_{secret}", prefix, salt, Hash(salt, secret));
    }

    public static bool TryParse(string? key, out string prefix, out string secret)
    {
        prefix = secret = "";
        if (key is null || key.Length > 200 || !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = key.Split('_', 3);
        if (parts.Length != 3 || parts[1].Length != 12 || parts[2].Length != 64) return false;
        (prefix, secret) = (parts[1], parts[2]);
        return true;
    }

    public static bool Verify(string secret, string salt, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(salt, secret)), Encoding.ASCII.GetBytes(expectedHash));

    private static string Hash(string salt, string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + ":" + secret)));
}
