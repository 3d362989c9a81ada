using Fluid;
using Fluid.Values;

namespace ContactHub.Conversations;

/// <summary>
/// The caller's data as Liquid sees it, noting every key a template asks for and the data lacks,
/// with its full path (data.booking.reference), so that the answer can name it.
/// </summary>
internal sealed class StrictData(IDictionary<string, object?> values, string path, List<string> missing, TemplateOptions options) : IFluidIndexable
{
    public int Count => values.Count;

    public IEnumerable<string> Keys => values.Keys;

    public IEnumerable<FluidValue> Values => values.Keys.Select(k => Wrap(values[k], $"{path}.{k}"));

    public bool TryGetValue(string name, out FluidValue value)
    {
        if (values.TryGetValue(name, out var found))
        {
            value = Wrap(found, $"{path}.{name}");
            return true;
        }
        missing.Add($"{path}.{name}");
        value = NilValue.Instance;
        return false;
    }

    private FluidValue Wrap(object? value, string at) => value switch
    {
        IDictionary<string, object?> child => new DictionaryValue(new StrictData(child, at, missing, options)),
        _ => FluidValue.Create(value, options),
    };

    public static FluidValue For(IDictionary<string, object?> values, string path, List<string> missing, TemplateOptions options) =>
        new DictionaryValue(new StrictData(values, path, missing, options));
}
