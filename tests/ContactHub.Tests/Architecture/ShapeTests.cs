using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Architecture;

/// <summary>The house rules that keep features apart: no folder cycles, one log event id range per feature.</summary>
public sealed partial class ShapeTests
{
    private static readonly string Source = Path.Combine(FindRoot(), "src", "ContactHub");

    [Fact]
    public void No_two_features_depend_on_each_other_even_through_others()
    {
        var graph = FeatureGraph();
        var cycles = new List<string>();
        foreach (var start in graph.Keys)
            foreach (var next in graph[start])
                if (Reaches(graph, next, start, [])) cycles.Add($"{start} → {next} → … → {start}");

        Assert.True(cycles.Count == 0, "Feature folders depend on each other in a circle:\n" + string.Join("\n", cycles.Distinct()));
    }

    [Fact]
    public void Each_feature_logs_with_event_ids_of_its_own_range()
    {
        var ids = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(m => (Type: t, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
                .Where(x => x.Attribute is not null))
            .Select(x => (Feature: x.Type.Namespace!, Id: x.Attribute!.EventId, Range: x.Attribute.EventId / 1000))
            .ToList();

        Assert.NotEmpty(ids);
        Assert.Empty(ids.GroupBy(x => x.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.Feature))}"));
        Assert.Empty(ids.GroupBy(x => x.Range).Where(g => g.Select(x => x.Feature).Distinct().Count() > 1)
            .Select(g => $"{g.Key * 1000}–{g.Key * 1000 + 999}: {string.Join(", ", g.Select(x => x.Feature).Distinct())}"));
    }

    /// <summary>Feature → the features its files name, through <c>using ContactHub.X</c> or a qualified <c>X.Type</c>.</summary>
    private static Dictionary<string, HashSet<string>> FeatureGraph()
    {
        var files = Directory.EnumerateFiles(Source, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Feature: FeatureOf(f), Text: File.ReadAllText(f)))
            .Where(f => f.Feature is not null)
            .ToList();
        var features = files.Select(f => f.Feature!).ToHashSet();
        var graph = features.ToDictionary(f => f, _ => new HashSet<string>());
        // Also a name relative to ContactHub (Contacts.Contact inside ContactHub.Conversations), not after another dot.
        var relative = new Regex(@"(?<![\w.])(?<ns>(?:" + string.Join("|", features.Select(f => f.Split('/')[0]).Distinct()) + @")(?:\.[A-Z]\w*)?)\.[A-Z]");
        foreach (var (feature, source) in files)
        {
            var text = Strings().Replace(Comments().Replace(source, ""), "\"\"");
            foreach (var m in Reference().Matches(text).Concat(relative.Matches(text)))
            {
                var target = m.Groups["ns"].Value.Replace('.', '/');
                target = features.FirstOrDefault(f => target == f || target.StartsWith(f + "/", StringComparison.Ordinal)) ?? "";
                if (target.Length > 0 && target != feature && !feature!.StartsWith(target + "/", StringComparison.Ordinal)) graph[feature!].Add(target);
            }
        }
        return graph;
    }

    /// <summary>src/ContactHub/Channels/Twilio/X.cs → Channels/Twilio; src/ContactHub/Channels/Channel.cs → Channels; Program.cs → none.</summary>
    private static string? FeatureOf(string file)
    {
        var parts = Path.GetRelativePath(Source, file).Split(Path.DirectorySeparatorChar);
        if (parts.Length < 2) return null;
        return parts[0] == "Channels" && parts.Length > 2 ? $"Channels/{parts[1]}" : parts[0];
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to, HashSet<string> seen) =>
        from == to || (seen.Add(from) && graph.GetValueOrDefault(from, []).Any(next => Reaches(graph, next, to, seen)));

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "ContactHub.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("ContactHub.sln not found above the test binaries.");
        return dir;
    }

    [GeneratedRegex(@"(?:using\s+(?:static\s+)?ContactHub\.(?<ns>[A-Z][\w.]*);|\bContactHub\.(?<ns>[A-Z]\w*(?:\.[A-Z]\w*)?)\.[A-Z])")]
    private static partial Regex Reference();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();

    [GeneratedRegex(@"""[^""\n]*""")]
    private static partial Regex Strings();
}
