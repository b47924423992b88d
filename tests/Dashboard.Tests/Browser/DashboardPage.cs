using System.Globalization;
using Cairn.Dashboard.Tests.Stack;
using Microsoft.Playwright;

namespace Cairn.Dashboard.Tests.Browser;

/// <summary>One service's /dashboard open in Chromium, recording every console error and uncaught exception.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(m.Text);
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (_errors)
            {
                _errors.Add(e);
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToList();
            }
        }
    }

    /// <summary>Opens the dashboard at a laptop-sized viewport and waits for two live updates from the service.</summary>
    public static async Task<DashboardPage> OpenAsync(IBrowser browser, string httpUrl)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        var page = new DashboardPage(context, await context.NewPageAsync());
        await page.Page.GotoAsync($"{httpUrl}/dashboard");
        await page.WaitForUpdatesAsync(2);
        return page;
    }

    public async Task WaitForUpdatesAsync(int atLeast) =>
        await Page.WaitForFunctionAsync($"() => Number(document.body.dataset.updates || 0) >= {atLeast}", null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });

    /// <summary>The value of the stat with this label, as the page shows it.</summary>
    public async Task<string> StatAsync(string label) =>
        await Page.Locator($".stat[data-label=\"{label}\"] .v").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 10_000 });

    public async Task<double> StatNumberAsync(string label) =>
        double.Parse(new string((await StatAsync(label)).TakeWhile(c => char.IsDigit(c) || c is '.' or ',').Where(c => c != ',').ToArray()),
            CultureInfo.InvariantCulture);

    public async Task ScreenshotAsync(string name, string? alsoTo = null)
    {
        Directory.CreateDirectory(ObservedStackFixture.ScreenshotDir);
        var path = Path.Combine(ObservedStackFixture.ScreenshotDir, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (alsoTo is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(alsoTo)!);
            File.Copy(path, alsoTo, overwrite: true);
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
