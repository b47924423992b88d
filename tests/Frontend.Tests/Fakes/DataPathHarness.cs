using Cairn.Frontend;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.DataPath.Steering;
using Cairn.Frontend.Telemetry;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Frontend.Tests.Fakes;

/// <summary>The writer and reader of the data path over an in-memory cluster, a fake clock and given options.</summary>
public sealed class DataPathHarness
{
    public DataPathHarness(FrontendOptions options, int disks = 12)
    {
        Options = options;
        Cluster = new InMemoryCluster(disks);
    }

    public FrontendOptions Options { get; }
    public InMemoryCluster Cluster { get; }
    public FrontendMetrics Metrics { get; } = new();
    public FakeTimeProvider Time { get; } = new();

    /// <summary>Shared by every reader of this harness, as the frontend's singleton is.</summary>
    public DiskLatencies Latencies => field ??= new DiskLatencies(Microsoft.Extensions.Options.Options.Create(Options), Time);

    public ObjectWriter Writer()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        return new ObjectWriter(Cluster, Cluster, new RedundancyPolicy(options), options, Metrics);
    }

    public ObjectReader Reader()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        var coded = new ErasureCodedReader(Cluster, Cluster, Cluster, Latencies, options, Time, Metrics, NullLogger<ErasureCodedReader>.Instance);
        return new ObjectReader(Cluster, Cluster, coded, Metrics);
    }

    public async Task<ObjectVersion> StoreAsync(byte[] data, string? storageClass = null, long? sizeHint = null)
    {
        var stored = await Writer().WriteAsync(new MemoryStream(data), "b", sizeHint ?? data.Length, storageClass, [], _ => { }, CancellationToken.None);
        var version = new ObjectVersion { Size = (ulong)data.Length };
        version.Parts.Add(new ObjectPart { PartNumber = 1, Size = (ulong)data.Length, Layout = stored.Layout });
        return version;
    }

    /// <summary>Reads as GetObject does: into a response pipe (whole stripes after the first are fetched in place).</summary>
    public async Task<byte[]> ReadAsync(ObjectVersion version, long offset = 0, long? length = null)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var output = new MemoryStream();
        var drain = pipe.Reader.CopyToAsync(output);
        try
        {
            await Reader().CopyRangeAsync(version, offset, length ?? ((long)version.Size - offset), pipe.Writer.AsWholeSegmentStream(), CancellationToken.None);
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
            await drain;
        }
        return output.ToArray();
    }

    /// <summary>Reads into a plain Stream (as UploadPartCopy does): every block is copied out.</summary>
    public async Task<byte[]> ReadCopyingAsync(ObjectVersion version, long offset = 0, long? length = null)
    {
        var output = new MemoryStream();
        await Reader().CopyRangeAsync(version, offset, length ?? ((long)version.Size - offset), output, CancellationToken.None);
        return output.ToArray();
    }

    public static byte[] Payload(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
