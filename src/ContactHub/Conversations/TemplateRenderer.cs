using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid;
using Microsoft.Extensions.Options;

namespace ContactHub.Conversations;

public sealed class TemplatesOptions : IValidatableObject
{
    public const string Section = "Templates";

    /// <summary>Folder of {name}.{channel}.liquid files, relative to the service's folder.</summary>
    public string Path { get; set; } = "templates";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (string.IsNullOrWhiteSpace(Path)) yield return new($"{Section}:Path is required.");
    }
}

public sealed record RenderedTemplate(string? Subject, string Body);

/// <summary>Why a template could not be rendered, with the request field to blame.</summary>
public sealed record TemplateProblem(string Field, string Message);

/// <summary>
/// Liquid templates (Fluid) in a folder: {{ contact.name }}, {{ conversation.summary }} and the caller's
/// {{ data.… }}. Variables must exist (a typo is an error, not a blank), and data is output as text:
/// a value containing Liquid is never evaluated. An email template may start with "Subject: …".
/// </summary>
public sealed partial class TemplateRenderer(IOptions<TemplatesOptions> options, IHostEnvironment environment)
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, (DateTime Modified, IFluidTemplate Template)> _cache = new();

    public (RenderedTemplate? Result, TemplateProblem? Problem) Render(string name, string channel, IDictionary<string, object?> model)
    {
        if (!TemplateName().IsMatch(name)) return (null, new("template", "A template name is lower-case letters, digits and dashes."));
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(options.Value.Path, environment.ContentRootPath), $"{name}.{channel}.liquid");
        if (!File.Exists(path)) return (null, new("template", $"There is no template '{name}' for {channel}."));

        var modified = File.GetLastWriteTimeUtc(path);
        if (!_cache.TryGetValue(path, out var cached) || cached.Modified != modified)
        {
            string source;
            try { source = Hosting.Utf8Text.ReadAllText(path); }
            catch (InvalidDataException ex) { return (null, new("template", $"Template '{name}' for {channel}: {ex.Message}")); }
            if (!Parser.TryParse(source, out var parsed, out var error))
                return (null, new("template", $"Template '{name}' for {channel} does not parse: {error}"));
            _cache[path] = cached = (modified, parsed);
        }

        var (text, problem) = Evaluate(cached.Template, model, $"Template '{name}' for {channel}");
        if (text is null) return (null, problem);

        if (text.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))
        {
            var end = text.IndexOf('\n');
            var subject = (end < 0 ? text : text[..end])["Subject:".Length..].Trim();
            return (new RenderedTemplate(subject, end < 0 ? "" : text[(end + 1)..].TrimStart('\r', '\n')), null);
        }
        return (new RenderedTemplate(null, text.Trim()), null);
    }

    /// <summary>Liquid text stored in the database (a Content template's variables): parsed once per distinct text, rendered like a file template.</summary>
    public (string? Text, TemplateProblem? Problem) RenderText(string source, string label, IDictionary<string, object?> model)
    {
        if (!_texts.TryGetValue(source, out var parsed))
        {
            if (!TryParse(source, out parsed, out var error)) return (null, new("template", $"{label} does not parse: {error}"));
            if (_texts.Count < 10_000) _texts[source] = parsed;
        }
        var (text, problem) = Evaluate(parsed, model, label);
        return (text?.Trim(), problem);
    }

    public static bool TryParse(string source, out IFluidTemplate template, out string error) => Parser.TryParse(source, out template, out error);

    private readonly ConcurrentDictionary<string, IFluidTemplate> _texts = new();

    private static (string? Text, TemplateProblem? Problem) Evaluate(IFluidTemplate template, IDictionary<string, object?> model, string label)
    {
        var missing = new List<string>();
        var templateOptions = new TemplateOptions
        {
            StrictFilters = true,
            MaxSteps = 100_000,
            // Every variable a template uses must be given (null for an optional one, which `default:` replaces).
            Undefined = variable =>
            {
                missing.Add(variable);
                return ValueTask.FromResult<Fluid.Values.FluidValue>(Fluid.Values.NilValue.Instance);
            },
        };
        var context = new TemplateContext(templateOptions);
        foreach (var (key, value) in model)
            context.SetValue(key, value is IDictionary<string, object?> values
                ? StrictData.For(values, key, missing, templateOptions)
                : Fluid.Values.FluidValue.Create(value, templateOptions));
        string text;
        try
        {
            text = template.Render(context);
        }
        catch (Exception ex) when (ex is FluidException or InvalidOperationException)
        {
            return (null, new("template", $"{label} failed: {ex.Message}"));
        }
        if (missing.Count > 0)
            return (null, new("data", $"{label} needs {string.Join(", ", missing.Distinct())}, which the request does not give."));
        return (text, null);
    }

    /// <summary>A caller's JSON as plain dictionaries, lists and values that Liquid can walk.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex TemplateName();
}
