using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.SqlServerModel.Tests;

/// <summary>
/// Each parameter's SQL type: what the code sends where known; else the type of the column it is compared with, assigned
/// to or inserted into (resolved through the statement's table aliases); else what its name says (…Id, …At, limit).
/// </summary>
public sealed class ParameterTypes(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> schema) : TSqlFragmentVisitor
{
    private readonly Dictionary<string, string> _aliases = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(ColumnReferenceExpression Column, string Variable)> _pairs = [];
    private readonly Dictionary<string, string> _literal = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _variables = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<(string Name, string Type)> Of(TSqlFragment statement, Query query,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> schema)
    {
        var visitor = new ParameterTypes(schema);
        statement.Accept(visitor);
        return visitor._variables.Order(StringComparer.OrdinalIgnoreCase).Select(v => (v, query.KnownTypes.GetValueOrDefault(v.TrimStart('@'))
            ?? visitor.FromColumns(v) ?? visitor._literal.GetValueOrDefault(v) ?? ByName(v.TrimStart('@')))).ToList();
    }

    public override void Visit(VariableReference node)
    {
        if (!node.Name.StartsWith("@@", StringComparison.Ordinal)) _variables.Add(node.Name);
    }

    public override void Visit(NamedTableReference node)
    {
        var table = node.SchemaObject.BaseIdentifier.Value;
        _aliases[node.Alias?.Value ?? table] = table;
        _aliases.TryAdd(table, table);
    }

    public override void Visit(BooleanComparisonExpression node) => Pair(node.FirstExpression, node.SecondExpression);

    public override void Visit(LikePredicate node) => Pair(node.FirstExpression, node.SecondExpression);

    public override void Visit(BinaryExpression node) => Pair(node.FirstExpression, node.SecondExpression); // interaction_count + @added

    public override void Visit(BooleanTernaryExpression node)
    {
        Pair(node.FirstExpression, node.SecondExpression);
        Pair(node.FirstExpression, node.ThirdExpression);
    }

    public override void Visit(InPredicate node)
    {
        foreach (var value in node.Values) Pair(node.Expression, value);
    }

    public override void Visit(AssignmentSetClause node)
    {
        if (node.Column is not null && node.NewValue is VariableReference v) _pairs.Add((node.Column, v.Name));
    }

    public override void Visit(InsertSpecification node)
    {
        IEnumerable<IList<ScalarExpression>> rows = node.InsertSource switch
        {
            ValuesInsertSource values => values.RowValues.Select(row => row.ColumnValues), // every row of a multi-row VALUES
            SelectInsertSource { Select: QuerySpecification select } => [select.SelectElements.OfType<SelectScalarExpression>().Select(e => e.Expression).ToList()],
            _ => [],
        };
        foreach (var values in rows)
            for (var i = 0; i < Math.Min(values.Count, node.Columns.Count); i++)
                if (values[i] is VariableReference v) _pairs.Add((node.Columns[i], v.Name));
    }

    private void Pair(ScalarExpression? a, ScalarExpression? b)
    {
        switch (a, b)
        {
            case (ColumnReferenceExpression column, VariableReference v): _pairs.Add((column, v.Name)); break;
            case (VariableReference v, ColumnReferenceExpression column): _pairs.Add((column, v.Name)); break;
            case (VariableReference v, IntegerLiteral): _literal.TryAdd(v.Name, "bigint"); break;
            case (IntegerLiteral, VariableReference v): _literal.TryAdd(v.Name, "bigint"); break;
            case (VariableReference v, StringLiteral): _literal.TryAdd(v.Name, "nvarchar(4000)"); break;
            case (StringLiteral, VariableReference v): _literal.TryAdd(v.Name, "nvarchar(4000)"); break;
        }
    }

    private string? FromColumns(string variable)
    {
        foreach (var (column, v) in _pairs.Where(p => string.Equals(p.Variable, variable, StringComparison.OrdinalIgnoreCase)))
            if (TypeOf(column) is { } type) return type;
        return null;
    }

    private string? TypeOf(ColumnReferenceExpression column)
    {
        var parts = column.MultiPartIdentifier?.Identifiers;
        if (parts is null || parts.Count == 0) return null;
        var name = parts[^1].Value;
        if (parts.Count > 1)
            return _aliases.TryGetValue(parts[^2].Value, out var table) && schema.TryGetValue(table, out var columns) ? columns.GetValueOrDefault(name) : null;
        var owners = _aliases.Values.Distinct(StringComparer.OrdinalIgnoreCase).Where(t => schema.TryGetValue(t, out var c) && c.ContainsKey(name)).ToList();
        return owners.Count >= 1 ? schema[owners[0]][name] : null;
    }

    /// <summary>What the code sends for a parameter of that name: ids and counts are 64-bit, instants carry their offset.</summary>
    private static string ByName(string name) => name.ToLowerInvariant() switch
    {
        "limit" or "n" or "offset" or "count" or "pauseafter" => "bigint",
        var n when n.EndsWith("id", StringComparison.Ordinal) || n.EndsWith("ids", StringComparison.Ordinal) => "bigint",
        "now" or "from" or "to" or "since" or "cutoff" or "until" or "next" or "continuedfrom" or "continuedto" => "datetimeoffset(7)",
        var n when n.EndsWith("at", StringComparison.Ordinal) => "datetimeoffset(7)",
        _ => "nvarchar(4000)",
    };
}
