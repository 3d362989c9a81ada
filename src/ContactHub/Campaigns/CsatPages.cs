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

    /// <summary>The page's words, in the customer's browser language (French or English, as the desk).</summary>
    private sealed record Words(string Lang, string Expired, string Question, string Scale, string Send, string ChooseScore, string Thanks, string AlreadyAnswered, string Closed)
    {
        public static readonly Words En = new("en", "This survey link has expired.", "How did we do?", "1 = very poor, 5 = excellent", "Send",
            "Please choose a score from 1 to 5.", "Thank you for your answer.", "Thank you — we already have your answer.", "This survey has closed.");

        public static readonly Words Fr = new("fr", "Ce lien d'enquête a expiré.", "Comment évaluez-vous notre échange ?", "1 = très mauvais, 5 = excellent", "Envoyer",
            "Choisissez une note de 1 à 5.", "Merci pour votre réponse.", "Merci — nous avons déjà votre réponse.", "Cette enquête est close.");

        public static Words For(HttpContext http) => Hosting.Languages.PrefersFrench(http) ? Fr : En;
    }

    private static IResult Show(string token, int? score, HttpContext http, CsatStore store)
    {
        var w = Words.For(http);
        if (store.ConversationOf(token) is null) return Page(w, w.Expired, null, 404);
        return Page(w, w.Question, Form(w, token, score), 200);
    }

    private static string Form(Words w, string token, int? score)
    {
        var choices = string.Join("", Enumerable.Range(1, 5).Select(n =>
            $"""<label><input type="radio" name="score" value="{n}"{(n == score ? " checked" : "")} required> {n}</label> """));
        return $"""
            <form method="post" action="/csat/{WebUtility.HtmlEncode(token)}">
              <p>{WebUtility.HtmlEncode(w.Scale)}</p>
              <p class="choices">{choices}</p>
              <button type="submit">{WebUtility.HtmlEncode(w.Send)}</button>
            </form>
            """;
    }

    private static async Task<IResult> Answer(string token, HttpContext http, CsatStore store, CancellationToken ct)
    {
        var w = Words.For(http);
        if (store.ConversationOf(token) is not { } conversationId) return Page(w, w.Expired, null, 404);
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        if (!int.TryParse(form?["score"].ToString(), out var score) || score is < 1 or > 5)
            return Page(w, w.ChooseScore, Form(w, token, null), 400); // the choice again, not a dead end
        return await store.AnswerByLinkAsync(conversationId, score, ct) switch
        {
            CsatAnswer.Recorded => Page(w, w.Thanks, null, 200),
            CsatAnswer.AlreadyAnswered => Page(w, w.AlreadyAnswered, null, 200),
            _ => Page(w, w.Closed, null, 404),
        };
    }

    private static IResult Page(Words w, string title, string? body, int status) => Results.Content($"""
        <!doctype html><html lang="{w.Lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)}</title><link rel="icon" href="/desk/assets/icon.svg" type="image/svg+xml">
        <style>body{"{"}font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem{"}"} .choices label{"{"}margin-right:1rem;font-size:1.3rem{"}"}
        button{"{"}font-size:1.1rem;padding:.4rem 1.2rem{"}"}</style></head>
        <body><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
