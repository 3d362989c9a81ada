using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ContactHub.Security;

/// <summary>
/// API keys verified lately, kept in memory for <see cref="SecurityOptions.KeyCacheDuration"/> so that the hot path does not ask
/// the database on every request. Requests presenting a key while it is being verified wait for that one look-up instead of
/// making their own: when the entry expired under load, every request in flight opened a connection of its own for the same
/// row — thirty-two at once on PostgreSQL — and the driver's pool kept them all and handed them out in turn, so every later
/// query ran on a different backend (PostgreSQL's CPU per screen-pop 0.15 → 0.21–0.29 ms, until the pool shed them minutes later).
/// A key revoked through this node is forgotten at once (<see cref="Forget"/>); other nodes, and the service after a revocation
/// from the command line, stop accepting it when their entry expires.
/// </summary>
public sealed class VerifiedKeys(ApiKeyStore store, IMemoryCache cache, IOptions<SecurityOptions> security)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ClaimsPrincipal?>>> _verifying = new();

    // Per key id, what ends its cached entries when the key is revoked here.
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _revocations = new();

    // Advanced by every revocation: a look-up that read the key before it was revoked does not keep what it read.
    private long _revoked;

    /// <summary>The principal of a well-formed key that is known, not revoked and whose secret matches; otherwise null.</summary>
    public async Task<ClaimsPrincipal?> VerifyAsync(string presented, CancellationToken ct)
    {
        var cacheKey = "apikey:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        if (cache.TryGetValue(cacheKey, out ClaimsPrincipal? principal)) return principal;
        var lookup = _verifying.GetOrAdd(cacheKey, key => new(() => LookUpAsync(key, presented)));
        return await lookup.Value.WaitAsync(ct);
    }

    // Not cancelled by the request that started it: others may be waiting for it.
    private async Task<ClaimsPrincipal?> LookUpAsync(string cacheKey, string presented)
    {
        try
        {
            var revoked = Interlocked.Read(ref _revoked);
            var row = await store.VerifyAsync(presented, CancellationToken.None);
            var principal = row is null ? null : Principal(row);
            if (security.Value.KeyCacheDuration > TimeSpan.Zero && revoked == Interlocked.Read(ref _revoked))
            {
                var entry = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = security.Value.KeyCacheDuration };
                if (row is not null) entry.AddExpirationToken(new CancellationChangeToken(_revocations.GetOrAdd(row.Id, _ => new()).Token));
                cache.Set(cacheKey, principal, entry);
                // A revocation between the check and the entry's token (which it then did not cancel) drops the entry again.
                if (revoked != Interlocked.Read(ref _revoked)) cache.Remove(cacheKey);
            }
            return principal;
        }
        finally
        {
            _verifying.TryRemove(cacheKey, out _);
        }
    }

    /// <summary>A key revoked through this node stops working here at once.</summary>
    public void Forget(long keyId)
    {
        Interlocked.Increment(ref _revoked);
        if (_revocations.TryRemove(keyId, out var revocation)) revocation.Cancel();
    }

    private static ClaimsPrincipal Principal(ApiKeyRow row)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "key:" + row.Name), new("api_key_id", row.Id.ToString()) };
        claims.AddRange(row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(Scopes.ClaimType, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName));
    }
}
