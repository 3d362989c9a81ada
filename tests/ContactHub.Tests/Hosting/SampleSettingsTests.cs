using System.Reflection;
using System.Text.Json;
using ContactHub.Data;

namespace ContactHub.Tests.Hosting;

public sealed class SampleSettingsTests
{
    /// <summary>Every options class (a type with a const Section) and each of its settable properties.</summary>
    public static TheoryData<string> Settings()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(Db).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } section) continue;
            foreach (var property in type.GetProperties().Where(p => p.CanWrite))
                data.Add($"{section.GetRawConstantValue()}:{property.Name}");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Every_setting_is_documented_in_the_sample(string key)
    {
        var root = FindRoot();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "appsettings.sample.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

        var node = sample.RootElement;
        foreach (var part in key.Split(':'))
            Assert.True(node.TryGetProperty(part, out node), $"appsettings.sample.json does not document {key}");
    }

    [Fact]
    public void The_options_classes_are_found() => Assert.True(Settings().Count >= 10);

    /// <summary>The repository's root (where ContactHub.sln is), above the test binaries.</summary>
    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ContactHub.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }
}
