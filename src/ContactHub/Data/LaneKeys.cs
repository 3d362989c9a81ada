namespace ContactHub.Data;

/// <summary>
/// Which lane of a group commit holds which customer (<see cref="GroupCommit"/>): a unit whose customer another lane holds —
/// running there, or waiting there — is handed to that lane, to run after what it holds. Two lanes so never lock one contact at
/// once, nor deadlock over two, while every lane still takes its next group from the one shared queue (a queue per lane, chosen by
/// the key's hash, balanced the lanes worse: ingest's p99 on PostgreSQL rose from 29–33 to 34–54 ms).
/// </summary>
internal sealed class LaneKeys<TUnit>(int lanes) where TUnit : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Lane, int Units)> _held = new(StringComparer.Ordinal);
    private readonly Queue<(TUnit Unit, string Key)>[] _handed = Enumerable.Range(0, lanes).Select(_ => new Queue<(TUnit, string)>()).ToArray();

    /// <summary>True when <paramref name="lane"/> may run the unit now; false when it was handed to the lane holding its key.</summary>
    public bool Claim(int lane, string key, TUnit unit)
    {
        lock (_lock)
        {
            _held.TryGetValue(key, out var held);
            if (held.Units > 0 && held.Lane != lane)
            {
                _held[key] = held with { Units = held.Units + 1 };
                _handed[held.Lane].Enqueue((unit, key));
                return false;
            }
            _held[key] = (lane, held.Units + 1);
            return true;
        }
    }

    /// <summary>Moves the units handed to <paramref name="lane"/> into its group; a unit whose caller gave up meanwhile lets its key go.</summary>
    public void TakeHanded(int lane, List<TUnit> group, int max, Func<TUnit, bool> cancelled)
    {
        lock (_lock)
        {
            var handed = _handed[lane];
            while (group.Count < max && handed.TryDequeue(out var next))
                if (cancelled(next.Unit)) Let(next.Key);
                else group.Add(next.Unit);
        }
    }

    /// <summary>
    /// Lets go of the keys of the units <paramref name="lane"/> has finished; true when units were handed to it meanwhile, which it
    /// must run before it waits for the queue.
    /// </summary>
    public bool Release(int lane, IEnumerable<string> keys)
    {
        lock (_lock)
        {
            foreach (var key in keys) Let(key);
            return _handed[lane].Count > 0;
        }
    }

    private void Let(string key)
    {
        var held = _held[key];
        if (held.Units == 1) _held.Remove(key);
        else _held[key] = held with { Units = held.Units - 1 };
    }
}
