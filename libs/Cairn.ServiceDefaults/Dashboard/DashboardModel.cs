namespace Cairn.ServiceDefaults.Dashboard;

/// <summary>What a service shows on its dashboard; the shared page renders any model.</summary>
public sealed record DashboardModel(string Title)
{
    public List<DashboardStat> Stats { get; init; } = [];

    public List<DashboardChart> Charts { get; init; } = [];

    public DashboardGrid? Grid { get; init; }

    public List<DashboardTable> Tables { get; init; } = [];
}

/// <summary>One headline figure. <paramref name="Alert"/> paints it red (errors, failed disks).</summary>
public sealed record DashboardStat(string Label, string Value, string? Hint = null, bool Alert = false);

public sealed record DashboardTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// A colour grid (e.g. the heat map): each cell's Value in 0..1 picks its colour, green to red. Cells with a
/// <see cref="DashboardCell.Group"/> (e.g. their node) are drawn in one row per group.
/// </summary>
public sealed record DashboardGrid(string Title, IReadOnlyList<DashboardCell> Cells, string? Legend = null);

public sealed record DashboardCell(string Label, double Value, string Text, string? Group = null);

/// <summary>A line chart of one or more series over time (e.g. the heat of the hottest disks).</summary>
public sealed record DashboardChart(string Title, string Unit, IReadOnlyList<DashboardSeries> Series);

public sealed record DashboardSeries(string Name, IReadOnlyList<DashboardPoint> Points);

public sealed record DashboardPoint(long UnixMs, double Value);

/// <summary>Implemented by each service: what its team looks at first.</summary>
public interface IDashboardSource
{
    Task<DashboardModel> GetDashboardAsync(CancellationToken ct);
}

/// <summary>
/// A dashboard source that keeps history (for its charts) implements this too: the platform calls
/// <see cref="Sample"/> every <see cref="DashboardSampling.Interval"/>, whether or not anyone has the page open,
/// so a chart shows the minutes before it was opened.
/// </summary>
public interface IDashboardSampler
{
    void Sample(DateTimeOffset now);
}
