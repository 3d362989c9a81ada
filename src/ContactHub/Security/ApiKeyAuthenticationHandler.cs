using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ContactHub.Security;

/// <summary>Authenticates <c>X-Api-Key</c>; verified keys are kept briefly (<see cref="VerifiedKeys"/>) so the hot path does not hit the database.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    VerifiedKeys keys,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrEmpty(values.ToString()))
            return AuthenticateResult.NoResult();
        var presented = values.ToString();
        if (!ApiKey.TryParse(presented, out var prefix, out _))
            return AuthenticateResult.Fail("The API key is malformed: a key reads chk_, 12 characters, _ and 64 characters.");

        if (await keys.VerifyAsync(presented, Context.RequestAborted) is not { } principal)
        {
            SecurityLog.UnknownKey(Logger, prefix);
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>Says what is wrong with what was sent: nothing, a key in the wrong header, a malformed key, or one unknown or revoked.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        var detail = failure is not null ? $"{failure} Send a valid API key in the {HeaderName} header."
            : Request.Headers.Authorization.ToString().Contains(ApiKey.Prefix, StringComparison.Ordinal)
                ? $"An API key goes in the {HeaderName} header, not in Authorization."
                : $"Send a valid API key in the {HeaderName} header.";
        await WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Forbidden", Scopes.Missing(Context, "API key"));

    private async Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
            Response.Headers.WWWAuthenticate = SchemeName;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
