namespace ContactHub.Hosting;

/// <summary>The language of the pages people read (the desk, the survey page): French when the browser puts French first, else English.</summary>
public static class Languages
{
    public static bool PrefersFrench(HttpContext http)
    {
        var first = http.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
        return first?.Value.Value?.StartsWith("fr", StringComparison.OrdinalIgnoreCase) == true;
    }
}
