using System.Text;
using System.Text.RegularExpressions;
using Dapper;

namespace ContactHub.Reports;

/// <summary>
/// Part of the centre a report covers: some agents (a team's), some channels, some wrap-up codes. A report's SQL says where each
/// query can be narrowed with <c>{SCOPE:agent column,channel column,conversation id column}</c>; a report whose every query says
/// so can be scoped.
/// </summary>
public sealed partial record ReportScope(string Label, IReadOnlyList<string>? Agents = null, IReadOnlyList<string>? Channels = null, IReadOnlyList<string>? WrapUpCodes = null)
{
    public bool IsEmpty => Agents is null && Channels is null && WrapUpCodes is null;

    /// <summary>True when every query of the report can be narrowed (sheets computed in code are left out of a scoped run).</summary>
    public static bool CanScope(ReportDefinition report) =>
        report.Sheets.Where(s => s.Source is null).Select(s => s.Sql).Concat(report.Headlines is { } h ? [h.Sql] : []).All(sql => Token().IsMatch(sql));

    /// <summary>Each {SCOPE:…} as the conditions of this scope (nothing when unscoped), with their parameters.</summary>
    public static string Apply(string portable, ReportScope? scope, DynamicParameters parameters)
    {
        if (!portable.Contains("{SCOPE:", StringComparison.Ordinal)) return portable;
        var n = 0;
        return Token().Replace(portable, m =>
        {
            if (scope is null || scope.IsEmpty) return "";
            var (agent, channel, conversation) = (m.Groups["agent"].Value, m.Groups["channel"].Value, m.Groups["conversation"].Value);
            var sql = new StringBuilder();
            string List(IReadOnlyList<string> values)
            {
                var names = new List<string>();
                foreach (var value in values.DefaultIfEmpty("\u0000")) // an empty team matches nothing
                {
                    var name = $"scope{n++}";
                    parameters.Add(name, value);
                    names.Add("@" + name);
                }
                return string.Join(", ", names);
            }
            if (scope.Agents is { } agents) sql.Append($" AND {agent} IN ({List(agents)})");
            if (scope.Channels is { } channels) sql.Append($" AND {channel} IN ({List(channels)})");
            if (scope.WrapUpCodes is { } codes)
                sql.Append($" AND {conversation} IN (SELECT w.conversation_id FROM conversation_wrap_ups w JOIN wrap_up_codes c ON c.id = w.code_id WHERE c.code IN ({List(codes)}))");
            return sql.ToString();
        });
    }

    [GeneratedRegex(@"\{SCOPE:(?<agent>[\w.]+),(?<channel>[\w.]+),(?<conversation>[\w.]+)\}")]
    private static partial Regex Token();
}
