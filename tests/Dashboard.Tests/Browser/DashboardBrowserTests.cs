using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Dashboard.Tests.Stack;

namespace Cairn.Dashboard.Tests.Browser;

/// <summary>
/// Each service's dashboard in a real browser against the running stack: it renders, its figures are live (they
/// move with traffic), the page logs no error, and a screenshot of it is kept as a test artifact.
/// </summary>
[Collection(ObservedStackCollection.Name)]
public sealed class DashboardBrowserTests(ObservedStackFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const int Disks = ObservedStackFixture.StorageNodes * ObservedStackFixture.DisksPerNode;

    [Theory]
    [InlineData("placement", "Placement")]
    [InlineData("namespace", "Namespace")]
    [InlineData("background-ops", "Background ops")]
    [InlineData("node1", "Storage node node1")]
    public async Task Dashboard_Open_RendersLiveWithoutConsoleErrors(string process, string title)
    {
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, fixture.Stack.Service(process).HttpUrl);

        Assert.Equal(title, await page.Page.Locator("#title").InnerTextAsync());
        Assert.Equal("ok", await page.Page.Locator("#live").GetAttributeAsync("class"));
        Assert.True(await page.Page.Locator(".stat").CountAsync() >= 3, "headline figures are shown");
        await page.ScreenshotAsync(process);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task FrontendDashboard_Traffic_CountsRequestsErrorsAndRates()
    {
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, fixture.Stack.Service("frontend").HttpUrl);
        var before = await page.StatNumberAsync("Requests");

        await GenerateTrafficAsync("frontend-dash", objects: 12);

        await ObservedStackFixture.EventuallyAsync(() => page.StatNumberAsync("Requests"), n => n >= before + 24, Wait, "the request count to rise");
        await ObservedStackFixture.EventuallyAsync(() => page.StatNumberAsync("Errors"), n => n >= 1, Wait, "the NoSuchKey to count as an error");
        Assert.Contains("alert", await page.Page.Locator(".stat[data-label=\"Errors\"]").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        var operations = page.Page.Locator("section[data-table=\"Operations\"] tbody tr");
        await ObservedStackFixture.EventuallyAsync(() => operations.AllInnerTextsAsync(), rows => rows.Any(r => r.StartsWith("PutObject", StringComparison.Ordinal)),
            Wait, "a PutObject row in the operations table");
        // The rate chart draws a line once the sampler has seen two seconds of traffic.
        await ObservedStackFixture.EventuallyAsync(() => page.Page.Locator(".chart-section polyline").CountAsync(), n => n >= 2, Wait, "the rate charts to draw");

        await page.ScreenshotAsync("frontend", Docs("dashboard-frontend.png"));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task NamespaceDashboard_Puts_ObjectCountRises()
    {
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, fixture.Stack.Service("namespace").HttpUrl);
        var before = await page.StatNumberAsync("Objects");

        await GenerateTrafficAsync("namespace-dash", objects: 5);

        await ObservedStackFixture.EventuallyAsync(() => page.StatNumberAsync("Objects"), n => n >= before + 5, Wait, "the object count to rise by 5");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task HeatMonitorDashboard_Traffic_GridHasEveryDiskAndTheHottestHaveHistory()
    {
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, fixture.Stack.Service("heat-monitor").HttpUrl);

        await GenerateTrafficAsync("heat-dash", objects: 60);

        var cells = page.Page.Locator("#grid .cell");
        await ObservedStackFixture.EventuallyAsync(() => cells.CountAsync(), n => n == Disks, Wait, $"a heat cell for each of the {Disks} disks");
        Assert.Equal(ObservedStackFixture.StorageNodes, await page.Page.Locator("#grid .grid-row").CountAsync()); // one row per node
        await ObservedStackFixture.EventuallyAsync(() => page.StatNumberAsync("Total ops/s"), n => n > 0, Wait, "the traffic to heat the disks");
        await ObservedStackFixture.EventuallyAsync(
            () => page.Page.Locator(".chart-section polyline").CountAsync(), n => n >= 2, Wait, "history lines of the hottest disks");
        var colours = await cells.EvaluateAllAsync<string[]>("cs => cs.map(c => getComputedStyle(c).backgroundColor)");
        Assert.All(colours, c => Assert.StartsWith("rgb(", c, StringComparison.Ordinal)); // every disk painted by its heat

        await page.ScreenshotAsync("heat-monitor", Docs("dashboard-heat-monitor.png"));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task BackgroundOpsDashboard_Overwrites_GarbageEventsCountAndJobsListed()
    {
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, fixture.Stack.Service("background-ops").HttpUrl);
        var before = await page.StatNumberAsync("GC events");

        for (var i = 0; i < 3; i++)
        {
            await fixture.PutAsync("ops-dash/overwritten", 2048); // every PUT after the first displaces a version
        }

        await ObservedStackFixture.EventuallyAsync(() => page.StatNumberAsync("GC events"), n => n >= before + 2, Wait, "two object-garbage events to arrive");
        var jobs = await page.Page.Locator("section[data-table=\"Jobs\"] tbody tr").AllInnerTextsAsync();
        Assert.Contains(jobs, r => r.StartsWith("GcReconcile", StringComparison.Ordinal));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task PlacementDashboard_ShowsEveryDiskByNodeAndFill()
    {
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, fixture.Stack.Service("placement").HttpUrl);

        Assert.Equal(Disks, await page.StatNumberAsync("Disks"));
        Assert.Equal(Disks, await page.StatNumberAsync("Active"));
        Assert.Equal(Disks, await page.Page.Locator("#grid .cell").CountAsync());
        Assert.Equal(Disks, await page.Page.Locator("section[data-table=\"Disks\"] tbody tr").CountAsync());
        Assert.Empty(page.Errors);
    }

    /// <summary>PUTs and GETs of small objects, plus one GET of a missing key (an S3 error).</summary>
    private async Task GenerateTrafficAsync(string prefix, int objects)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 4 };
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), parallel, async (i, _) => await fixture.PutAsync($"{prefix}/{i}", 4096 + (i * 1000)));

        using var s3 = fixture.S3();
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), parallel, async (i, ct) =>
        {
            using var get = await s3.GetObjectAsync(ObservedStackFixture.Bucket, $"{prefix}/{i}", ct);
            await get.ResponseStream.CopyToAsync(Stream.Null, ct);
        });

        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = ObservedStackFixture.Bucket, Key = $"{prefix}/missing" }));
    }

    /// <summary>The README's screenshots are refreshed only when asked (CAIRN_DOCS_SCREENSHOTS=1), never by CI.</summary>
    private static string? Docs(string file) => Environment.GetEnvironmentVariable("CAIRN_DOCS_SCREENSHOTS") == "1"
        ? Path.Combine(ObservedStackFixture.RepoRoot, "docs", "images", file)
        : null;
}
