using System.Reflection;
using System.Text.Json;
using ContactHub.Data;
using ContactHub.Hosting;
using Microsoft.Extensions.Configuration;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// Every documented setting set to nonsense, bound to every options class as start-up binds them: whatever the binder refuses
/// is described in one line naming that key (the service prints it and exits 2; see StartupTests for the process itself).
/// </summary>
public sealed class ConfigurationValuesTests
{
    private const string Nonsense = "%%not-a-value%%";

    public static TheoryData<string> Keys()
    {
        var data = new TheoryData<string>();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(SampleSettingsTests.FindRoot(), "appsettings.sample.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind == JsonValueKind.Object) foreach (var p in node.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : $"{path}:{p.Name}");
            else if (node.ValueKind == JsonValueKind.Array) { var i = 0; foreach (var item in node.EnumerateArray()) Walk(item, $"{path}:{i++}"); }
            else data.Add(path);
        }
        Walk(sample.RootElement, "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_documented_setting_the_binder_cannot_read_is_named_in_one_line(string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, Nonsense)]).Build();

        foreach (var (section, type) in OptionsClasses())
        {
            try
            {
                configuration.GetSection(section).Get(type);
            }
            catch (Exception ex)
            {
                var line = ConfigurationValues.Describe(ex);
                Assert.True(line is not null, $"{key}: {ex.GetType().Name} is not described: {ex.Message}");
                Assert.StartsWith(key, line, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Nonsense, line);
            }
        }
    }

    [Fact]
    public void The_documented_keys_are_found_and_typed_ones_are_refused_by_the_binder()
    {
        Assert.True(Keys().Count >= 100);
        var refused = ((IEnumerable<object[]>)Keys()).Select(row => (string)row[0]).Count(key =>
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, Nonsense)]).Build();
            return OptionsClasses().Any(o => { try { configuration.GetSection(o.Section).Get(o.Type); return false; } catch (InvalidOperationException) { return true; } });
        });
        Assert.True(refused >= 20, $"only {refused} settings refused nonsense: the theory above would check nothing");
    }

    private static IEnumerable<(string Section, Type Type)> OptionsClasses() =>
        typeof(Db).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && !x.Type.IsAbstract && x.Type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type));
}
