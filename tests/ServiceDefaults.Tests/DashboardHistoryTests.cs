using System.Text.Json;
using Cairn.ServiceDefaults.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Cairn.ServiceDefaults.Tests;

public class DashboardHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DashboardHistory_Record_KeepsTheNewestPointsPerSeries()
    {
        var history = new DashboardHistory(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            history.Record(T0.AddSeconds(i), "d1", i);
        }

        var series = Assert.Single(history.Series(["d1", "unknown"]));
        Assert.Equal([2.0, 3.0, 4.0], series.Points.Select(p => p.Value));
        Assert.Equal(T0.AddSeconds(4).ToUnixTimeMilliseconds(), series.Points[^1].UnixMs);
    }

    [Fact]
    public void DashboardHistory_SeriesThatStopped_IsForgottenOnceItAgesOut()
    {
        var history = new DashboardHistory(capacity: 2);
        history.Record(T0, [new("gone", 1), new("kept", 1)]);
        history.Record(T0.AddSeconds(1), "kept", 2);
        Assert.Contains("gone", history.Names); // still within the window
        history.Record(T0.AddSeconds(2), "kept", 3);

        Assert.Equal(["kept"], history.Names);
    }

    [Fact]
    public async Task Dashboard_SamplerSource_IsSampledWithoutAnyoneWatchingAndServesItsChart()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults("svc");
        builder.Services.AddDashboard<CountingSource>();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        await Poll.UntilAsync(() => CountingSource.Samples >= 2, "the platform to sample the source twice");
        using var doc = JsonDocument.Parse(await app.GetTestClient().GetStringAsync(new Uri("/dashboard/status", UriKind.Relative)));
        var chart = doc.RootElement.GetProperty("model").GetProperty("charts")[0];
        Assert.Equal("samples", chart.GetProperty("title").GetString());
        Assert.True(chart.GetProperty("series")[0].GetProperty("points").GetArrayLength() >= 2);
    }

    private sealed class CountingSource : IDashboardSource, IDashboardSampler
    {
        private readonly DashboardHistory _history = new();
        private static int _samples;

        public static int Samples => Volatile.Read(ref _samples);

        public void Sample(DateTimeOffset now) => _history.Record(now, "n", Interlocked.Increment(ref _samples));

        public Task<DashboardModel> GetDashboardAsync(CancellationToken ct) => Task.FromResult(new DashboardModel("counting")
        {
            Charts = [new DashboardChart("samples", "count", _history.Series(["n"]))],
        });
    }
}
