namespace Cairn.ServiceDefaults.Dashboard;

/// <summary>
/// Bounded, thread-safe history of named series for dashboard charts: the newest <c>capacity</c> points of each
/// series, and a series that stops being recorded (a disk removed) is forgotten once its points age out.
/// </summary>
public sealed class DashboardHistory(int capacity = 300)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<DashboardPoint>> _series = new(StringComparer.Ordinal);

    public int Capacity => capacity;

    public void Record(DateTimeOffset at, IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ms = at.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            foreach (var (name, value) in values)
            {
                if (!_series.TryGetValue(name, out var points))
                {
                    points = new Queue<DashboardPoint>();
                    _series[name] = points;
                }

                points.Enqueue(new DashboardPoint(ms, value));
                while (points.Count > capacity)
                {
                    points.Dequeue();
                }
            }

            ForgetStaleLocked();
        }
    }

    public void Record(DateTimeOffset at, string series, double value) => Record(at, [new(series, value)]);

    /// <summary>The named series that have points, in the order asked for.</summary>
    public IReadOnlyList<DashboardSeries> Series(IEnumerable<string> names)
    {
        lock (_lock)
        {
            return names.Where(_series.ContainsKey).Select(n => new DashboardSeries(n, _series[n].ToArray())).ToList();
        }
    }

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                return _series.Keys.ToList();
            }
        }
    }

    private void ForgetStaleLocked()
    {
        // A series whose newest point is older than the oldest point a full series could hold has stopped.
        var oldestKept = _series.Values.Where(q => q.Count == capacity).Select(q => q.Peek().UnixMs).DefaultIfEmpty(long.MinValue).Max();
        foreach (var name in _series.Where(p => p.Value.Last().UnixMs < oldestKept).Select(p => p.Key).ToList())
        {
            _series.Remove(name);
        }
    }
}
