using Amazon.Runtime;
using Amazon.S3;
using Cairn.DevStack;
using Cairn.Placement.V1;
using Grpc.Net.Client;

namespace Cairn.EndToEnd.Tests;

/// <summary>One dev stack (real processes, free loopback ports, a temp data dir) shared by the end-to-end tests.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public const string AccessKey = "e2e-access";
    public const string SecretKey = "e2e-secret-key-0123456789";

    private LocalStack? _stack;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "cairn-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public LocalStack Stack => _stack ?? throw new InvalidOperationException("not started");

    public string Endpoint => Stack.S3Endpoint;

    public async Task InitializeAsync()
    {
        _stack = await LocalStack.StartAsync(new StackOptions
        {
            S3Port = 0,
            DataDir = _dataDir,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            Extra = new Dictionary<string, string>
            {
                // Short periods so background work is observable within a test.
                ["Cairn:GcIntervalSeconds"] = "2",
                ["Cairn:GcGraceSeconds"] = "10", // well above a PUT's shard-commit-to-namespace-commit gap under CI load
                ["Cairn:HeartbeatIntervalMs"] = "500",
            },
        });
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public AmazonS3Client Client(string? accessKey = null, string? secretKey = null) =>
        new(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });

    public GrpcChannel Channel(string service) => GrpcChannel.ForAddress(Stack.Service(service).GrpcUrl);

    public async Task<DiskMap> DiskMapAsync()
    {
        using var channel = Channel("placement");
        return await new Placement.V1.Placement.PlacementClient(channel).GetDiskMapAsync(new GetDiskMapRequest());
    }

    /// <summary>Where the current version of an object's bytes live, per the namespace.</summary>
    public async Task<List<Common.V1.ShardLocation>> ShardsOfAsync(string bucket, string key)
    {
        using var channel = Channel("namespace");
        var version = await new Namespace.V1.Namespace.NamespaceClient(channel)
            .GetObjectAsync(new Namespace.V1.GetObjectRequest { Bucket = bucket, Key = key });
        return version.Parts.SelectMany(p => p.Layout.Shards).ToList();
    }

    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
