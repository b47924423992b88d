namespace Cairn.ServiceDefaults.Dashboard;

/// <summary>What a service shows on its dashboard; the shared page renders any model.</summary>
public sealed record DashboardModel(string Title)
{
    public List<DashboardStat> Stats { get; init; } = [];

    public List<DashboardTable> Tables { get; init; } = [];

    public DashboardGrid? Grid { get; init; }
}

public sealed record DashboardStat(string Label, string Value, string? Hint = null);

public sealed record DashboardTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A colour grid (e.g. the heat map): each cell's Value in 0..1 picks its colour.</summary>
public sealed record DashboardGrid(string Title, IReadOnlyList<DashboardCell> Cells);

public sealed record DashboardCell(string Label, double Value, string Text);

/// <summary>Implemented by each service: what its team looks at first.</summary>
public interface IDashboardSource
{
    Task<DashboardModel> GetDashboardAsync(CancellationToken ct);
}
