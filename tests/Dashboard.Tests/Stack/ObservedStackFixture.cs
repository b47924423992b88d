using System.Reflection;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.DevStack;
using Microsoft.Playwright;

namespace Cairn.Dashboard.Tests.Stack;

/// <summary>
/// One dev stack (real processes on free loopback ports) whose services export traces to an in-test OTLP
/// collector, and one headless Chromium to look at its dashboards. Shared by every test in the assembly.
/// </summary>
public sealed class ObservedStackFixture : IAsyncLifetime
{
    public const string AccessKey = "dash-access";
    public const string SecretKey = "dash-secret-key-0123456789";
    public const string Bucket = "dashboards";
    public const int StorageNodes = 6;
    public const int DisksPerNode = 2;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "cairn-dash-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalStack? _stack;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public OtlpCollector Collector { get; private set; } = null!;

    public LocalStack Stack => _stack ?? throw new InvalidOperationException("not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    /// <summary>Where screenshots go: <c>CAIRN_SCREENSHOTS</c>, else TestResults/screenshots at the repository root.</summary>
    public static string ScreenshotDir => Environment.GetEnvironmentVariable("CAIRN_SCREENSHOTS") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoRoot, "TestResults", "screenshots");

    public static string RepoRoot => Environment.GetEnvironmentVariable("CAIRN_REPO_ROOT")
        ?? typeof(LocalStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public async Task InitializeAsync()
    {
        Collector = await OtlpCollector.StartAsync();
        _stack = await LocalStack.StartAsync(new StackOptions
        {
            S3Port = 0,
            DataDir = _dataDir,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            StorageNodes = StorageNodes,
            DisksPerNode = DisksPerNode,
            Extra = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200", // export spans promptly; the tests poll for them
                ["Cairn:HeartbeatIntervalMs"] = "500",
            },
        });

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CAIRN_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
        });

        using var s3 = S3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        await Collector.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public AmazonS3Client S3() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Stack.S3Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    public async Task PutAsync(string key, int size)
    {
        using var s3 = S3();
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        using var stream = new MemoryStream(body);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = stream });
    }

    /// <summary>Polls a condition (never sleeps for a fixed time) until it holds or the deadline passes.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what} (last: {value})");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedStackCollection : ICollectionFixture<ObservedStackFixture>
{
    public const string Name = "observed stack";
}
