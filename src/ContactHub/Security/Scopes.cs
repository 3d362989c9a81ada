namespace ContactHub.Security;

/// <summary>API key scopes; each is also the name of the authorization policy that requires it.</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Write, Admin];

    public const string ClaimType = "scope";
}
