using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.SqlServerModel.Tests;

/// <summary>
/// The final schema of sql/sqlserver/*.sql, replayed in order with ScriptDom: CREATE TABLE, ALTER TABLE ADD/DROP,
/// CREATE/DROP INDEX fold into one CREATE TABLE per table and its CREATE INDEX statements (a model takes only CREATEs).
/// A statement of any other kind fails loudly: a future migration must be taught here, never skipped.
/// </summary>
public sealed class SchemaFolder
{
    private readonly Dictionary<string, CreateTableStatement> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Table, string Index), CreateIndexStatement> _indexes = new();

    public void Apply(string source, string script)
    {
        var fragment = Sql.Parse(source, script);
        foreach (var statement in ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements))
            switch (statement)
            {
                case CreateTableStatement create:
                    _tables[Name(create.SchemaObjectName)] = create;
                    break;
                case AlterTableAddTableElementStatement add:
                    var table = Table(source, add.SchemaObjectName);
                    foreach (var added in add.Definition.ColumnDefinitions) table.Definition.ColumnDefinitions.Add(added);
                    foreach (var constraint in add.Definition.TableConstraints) table.Definition.TableConstraints.Add(constraint);
                    foreach (var index in add.Definition.Indexes) table.Definition.Indexes.Add(index);
                    break;
                case AlterTableDropTableElementStatement drop:
                    var from = Table(source, drop.SchemaObjectName);
                    foreach (var element in drop.AlterTableDropTableElements)
                    {
                        var removed = element.TableElementType switch
                        {
                            TableElementType.Column => from.Definition.ColumnDefinitions.RemoveAll(c => Same(c.ColumnIdentifier, element.Name)),
                            TableElementType.Constraint or TableElementType.NotSpecified => DropConstraint(from, element.Name),
                            _ => throw new NotSupportedException($"{source}: ALTER TABLE … DROP {element.TableElementType} is not folded yet; teach SchemaFolder."),
                        };
                        if (removed == 0) throw new InvalidOperationException($"{source}: DROP {element.Name.Value} on {Name(drop.SchemaObjectName)} drops nothing.");
                    }
                    break;
                case AlterTableAlterColumnStatement alter:
                    var owner = Table(source, alter.SchemaObjectName);
                    var column = owner.Definition.ColumnDefinitions.SingleOrDefault(c => Same(c.ColumnIdentifier, alter.ColumnIdentifier))
                        ?? throw new InvalidOperationException($"{source}: ALTER COLUMN {alter.ColumnIdentifier.Value} on {Name(alter.SchemaObjectName)}: no such column.");
                    column.DataType = alter.DataType ?? column.DataType;
                    break;
                case CreateIndexStatement index:
                    Table(source, index.OnName);
                    _indexes[(Name(index.OnName), index.Name.Value)] = index;
                    break;
                case DropIndexStatement dropIndex:
                    foreach (var clause in dropIndex.DropIndexClauses.OfType<DropIndexClause>())
                        if (!_indexes.Remove((Name(clause.Object), clause.Index.Value)))
                            throw new InvalidOperationException($"{source}: DROP INDEX {clause.Index.Value} ON {Name(clause.Object)}: no such index.");
                    break;
                case InsertStatement { InsertSpecification.Target: NamedTableReference target }:
                    Table(source, target.SchemaObject); // seed data: the schema is unchanged, the table must exist
                    break;
                default:
                    throw new NotSupportedException($"{source}: a {statement.GetType().Name} is not folded into the schema yet; teach SchemaFolder what it does.");
            }
    }

    /// <summary>The schema as CREATE statements, one per object, with a name each (for the model's messages).</summary>
    public IEnumerable<(string Name, string Script)> Objects() =>
        _tables.Select(t => ($"table {t.Key}", Sql.Script(t.Value)))
            .Concat(_indexes.Select(i => ($"index {i.Key.Index} on {i.Key.Table}", Sql.Script(i.Value))));

    /// <summary>Each table's columns and their declared types, for typing the queries' parameters.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Columns() =>
        _tables.ToDictionary(t => t.Key, t => (IReadOnlyDictionary<string, string>)t.Value.Definition.ColumnDefinitions
            .ToDictionary(c => c.ColumnIdentifier.Value, c => Sql.Script(c.DataType), StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);

    /// <summary>A named constraint, wherever it was declared: on the table, on a column, or as a column's default.</summary>
    private static int DropConstraint(CreateTableStatement table, Identifier name)
    {
        var removed = table.Definition.TableConstraints.RemoveAll(c => Same(c.ConstraintIdentifier, name));
        foreach (var column in table.Definition.ColumnDefinitions)
        {
            removed += column.Constraints.RemoveAll(k => Same(k.ConstraintIdentifier, name));
            if (column.DefaultConstraint is { } d && Same(d.ConstraintIdentifier, name))
            {
                column.DefaultConstraint = null;
                removed++;
            }
        }
        return removed;
    }

    private CreateTableStatement Table(string source, SchemaObjectName name) =>
        _tables.GetValueOrDefault(Name(name)) ?? throw new InvalidOperationException($"{source}: table {Name(name)} is altered before it is created.");

    private static string Name(SchemaObjectName name) => name.BaseIdentifier.Value;

    private static bool Same(Identifier? a, Identifier? b) => a is not null && b is not null && string.Equals(a.Value, b.Value, StringComparison.OrdinalIgnoreCase);
}

internal static class ListExtensions
{
    public static int RemoveAll<T>(this IList<T> list, Func<T, bool> match)
    {
        var removed = 0;
        for (var i = list.Count - 1; i >= 0; i--)
            if (match(list[i])) { list.RemoveAt(i); removed++; }
        return removed;
    }
}
