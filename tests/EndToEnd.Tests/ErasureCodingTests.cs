using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Common.V1;
using Cairn.DevStack;
using Cairn.Placement.V1;
using Grpc.Net.Client;
using NamespaceV1 = Cairn.Namespace.V1;

namespace Cairn.EndToEnd.Tests;

/// <summary>
/// Erasure coding through the real processes: objects above the threshold are stored 4+2, smaller ones
/// replicated; with m = 2 storage nodes killed every object still reads back byte-identical. Killing nodes
/// breaks the stack for anyone else, so this class has a stack of its own.
/// </summary>
[Collection(NodeFailureStackCollection.Name)]
public sealed class ErasureCodingTests(NodeFailureStackFixture fixture)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task ErasureCoding_KillTwoStorageNodes_EveryObjectReadsBackIdentical()
    {
        using var s3 = fixture.Client();
        var bucket = "ec-" + Guid.NewGuid().ToString("N")[..8];
        await s3.PutBucketAsync(bucket);

        var objects = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["replicated-100k"] = RandomNumberGenerator.GetBytes(100 * 1024),
            ["ec-one-partial-stripe"] = RandomNumberGenerator.GetBytes(MiB + 3),
            ["ec-three-stripes"] = RandomNumberGenerator.GetBytes((9 * MiB) + 17),
        };
        foreach (var (key, data) in objects)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data) });
        }
        var multipart = await PutMultipartAsync(s3, bucket, "ec-multipart", [RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes((5 * MiB) + 1), RandomNumberGenerator.GetBytes(1000)]);
        objects["ec-multipart"] = multipart;

        using var channel = fixture.Channel("namespace");
        var ns = new NamespaceV1.Namespace.NamespaceClient(channel);
        async Task<NamespaceV1.ObjectVersion> Meta(string key) => await ns.GetObjectAsync(new NamespaceV1.GetObjectRequest { Bucket = bucket, Key = key });
        Assert.Equal(RedundancyScheme.Replicated, (await Meta("replicated-100k")).Parts[0].Layout.Scheme);
        var coded = await Meta("ec-three-stripes");
        var layout = coded.Parts[0].Layout;
        Assert.Equal((RedundancyScheme.ErasureCoded, 4u, 2u, 6), (layout.Scheme, layout.DataShards, layout.ParityShards, layout.Shards.Count));
        Assert.Equal([RedundancyScheme.ErasureCoded, RedundancyScheme.ErasureCoded, RedundancyScheme.Replicated],
            (await Meta("ec-multipart")).Parts.Select(p => p.Layout.Scheme));

        // Kill the nodes of two data shards: reads of every coded object must decode around them.
        using var placement = fixture.Channel("placement");
        var disks = (await new Placement.V1.Placement.PlacementClient(placement).GetDiskMapAsync(new GetDiskMapRequest())).Disks.ToDictionary(d => d.DiskId);
        var victims = layout.Shards.Where(s => s.Index < 2).Select(s => disks[s.DiskId].NodeId).Distinct().ToList();
        Assert.Equal(2, victims.Count);
        foreach (var node in victims)
        {
            fixture.Stack.Service(node).Kill();
        }

        foreach (var (key, data) in objects)
        {
            try
            {
                Assert.Equal(data, await GetAsync(s3, bucket, key, null));
            }
            catch (AmazonS3Exception e)
            {
                Assert.Fail($"GET {key} with nodes {string.Join(", ", victims)} down: {e.ErrorCode}\n{fixture.LogTail("frontend")}");
            }
        }
        var big = objects["ec-three-stripes"];
        Assert.Equal(big.AsSpan((4 * MiB) - 10, (4 * MiB) + 20).ToArray(), await GetAsync(s3, bucket, "ec-three-stripes", ((4 * MiB) - 10, (8 * MiB) + 9)));
        Assert.Equal(multipart.AsSpan((5 * MiB) - 1, 3).ToArray(), await GetAsync(s3, bucket, "ec-multipart", ((5 * MiB) - 1, (5 * MiB) + 1)));
        // The bytes came back because stripes were decoded from parity, not by luck of placement.
        Assert.True(await fixture.FrontendCounterAsync("cairn_frontend_decoded_stripes_total") > 0);
    }

    private static async Task<byte[]> GetAsync(AmazonS3Client s3, string bucket, string key, (long First, long Last)? range)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        if (range is { } r)
        {
            request.ByteRange = new ByteRange(r.First, r.Last);
        }
        using var response = await s3.GetObjectAsync(request);
        var output = new MemoryStream();
        await response.ResponseStream.CopyToAsync(output);
        return output.ToArray();
    }

    private static async Task<byte[]> PutMultipartAsync(AmazonS3Client s3, string bucket, string key, byte[][] parts)
    {
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartNumber = i + 1,
                InputStream = new MemoryStream(parts[i]),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = etags });
        return parts.SelectMany(p => p).ToArray();
    }
}

/// <summary>
/// A dev stack of its own for tests that kill storage nodes. GC keeps its default grace period: the shared
/// fixture's one-second grace can collect the shards of a PUT that is still in flight on a loaded machine.
/// </summary>
public sealed class NodeFailureStackFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "cairn-e2e-ec-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalStack? _stack;

    public LocalStack Stack => _stack ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _stack = await LocalStack.StartAsync(new StackOptions
        {
            S3Port = 0,
            DataDir = _dataDir,
            AccessKey = StackFixture.AccessKey,
            SecretKey = StackFixture.SecretKey,
            Extra = new Dictionary<string, string> { ["Cairn:HeartbeatIntervalMs"] = "500" },
        });

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

    public AmazonS3Client Client() =>
        new(new BasicAWSCredentials(StackFixture.AccessKey, StackFixture.SecretKey), new AmazonS3Config
        {
            ServiceURL = Stack.S3Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });

    public GrpcChannel Channel(string service) => GrpcChannel.ForAddress(Stack.Service(service).GrpcUrl);

    /// <summary>A counter from the frontend's Prometheus endpoint (0 when not yet reported).</summary>
    public async Task<double> FrontendCounterAsync(string name)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(Stack.Service("frontend").HttpUrl + "/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The tail of a service's log, to explain a failure.</summary>
    public string LogTail(string service, int lines = 40) =>
        string.Join('\n', File.ReadLines(Path.Combine(_dataDir, "logs", service + ".log")).TakeLast(lines));
}

[CollectionDefinition(Name)]
public sealed class NodeFailureStackCollection : ICollectionFixture<NodeFailureStackFixture>
{
    public const string Name = "stack-node-failure";
}
