using System.Net;

namespace ContactHub.Campaigns;

/// <summary>
/// The page a survey email links to. Opening a link only shows the choice (mail scanners open links); the customer's
/// click on "Send" records it. The token in the URL names the conversation and expires with the survey.
/// </summary>
public static class CsatPages
{
    public static IEndpointRouteBuilder MapCsatPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/csat/{token}", Show).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost("/csat/{token}", Answer).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        return routes;
    }

    private static IResult Show(string token, int? score, CsatStore store)
    {
        if (store.ConversationOf(token) is null) return Page("This survey link has expired.", null, 404);
        var choices = string.Join("", Enumerable.Range(1, 5).Select(n =>
            $"""<label><input type="radio" name="score" value="{n}"{(n == score ? " checked" : "")} required> {n}</label> """));
        return Page("How did we do?", $"""
            <form method="post" action="/csat/{WebUtility.HtmlEncode(token)}">
              <p>1 = very poor, 5 = excellent</p>
              <p class="choices">{choices}</p>
              <button type="submit">Send</button>
            </form>
            """, 200);
    }

    private static async Task<IResult> Answer(string token, HttpContext http, CsatStore store, CancellationToken ct)
    {
        if (store.ConversationOf(token) is not { } conversationId) return Page("This survey link has expired.", null, 404);
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        if (!int.TryParse(form?["score"].ToString(), out var score) || score is < 1 or > 5)
            return Page("Please choose a score from 1 to 5.", null, 400);
        return await store.AnswerByLinkAsync(conversationId, score, ct) switch
        {
            CsatAnswer.Recorded => Page("Thank you for your answer.", null, 200),
            CsatAnswer.AlreadyAnswered => Page("Thank you — we already have your answer.", null, 200),
            _ => Page("This survey has closed.", null, 404),
        };
    }

    private static IResult Page(string title, string? body, int status) => Results.Content($"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)}</title><link rel="icon" href="/desk/assets/icon.svg" type="image/svg+xml">
        <style>body{"{"}font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem{"}"} .choices label{"{"}margin-right:1rem;font-size:1.3rem{"}"}
        button{"{"}font-size:1.1rem;padding:.4rem 1.2rem{"}"}</style></head>
        <body><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
