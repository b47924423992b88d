using System.Security.Cryptography;
using Cairn.Frontend;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.Telemetry;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;
using Frontend.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace Frontend.Tests;

public class DataPathTests
{
    private const int BlockSize = 64 * 1024;
    private readonly DataPathHarness _harness = new(new FrontendOptions { BlockSize = BlockSize, Replicas = 3 });

    private ObjectWriter Writer() => _harness.Writer();

    private ObjectReader Reader() => _harness.Reader();

    private static byte[] Payload(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task ObjectWriter_WriteAsync_ReplicatesBlocksAndDigests()
    {
        var data = Payload(3 * BlockSize + 123);
        var stored = await Writer().WriteAsync(new MemoryStream(data), "b", data.Length, null, [ChecksumAlgorithm.Crc32], _ => { }, CancellationToken.None);

        Assert.Equal(3, stored.Layout.Shards.Count);
        Assert.Equal(3, stored.Layout.Shards.Select(s => s.DiskId).Distinct().Count());
        Assert.Equal((ulong)data.Length, stored.Layout.Size);
#pragma warning disable CA5351
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", stored.Digest.ETag);
#pragma warning restore CA5351
        using var crc = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32);
        crc.Append(data);
        Assert.Equal(crc.GetBase64(), stored.Digest.Checksums[ChecksumAlgorithm.Crc32]);
        foreach (var shard in stored.Layout.Shards)
        {
            Assert.Equal(data, _harness.Cluster.ShardBytes(shard.DiskId, shard.ShardId));
        }
    }

    [Fact]
    public async Task ObjectWriter_WriteAsync_FailedVerificationCommitsNothing()
    {
        var data = Payload(2 * BlockSize + 5);
        var e = await Assert.ThrowsAsync<S3Exception>(() => Writer().WriteAsync(new MemoryStream(data), "b", data.Length, null, [],
            _ => throw S3Errors.BadDigest(), CancellationToken.None));

        Assert.Equal("BadDigest", e.Code);
        Assert.Equal(0, _harness.Cluster.Committed);
        Assert.Equal(3, _harness.Cluster.Aborted);
    }

    [Fact]
    public async Task ObjectWriter_WriteAsync_PayloadFailingMidStreamCommitsNothing()
    {
        var stream = new FailingStream(Payload(5 * BlockSize), failAfter: 3 * BlockSize + 10);
        await Assert.ThrowsAsync<S3Exception>(() => Writer().WriteAsync(stream, "b", 5 * BlockSize, null, [], _ => { }, CancellationToken.None));
        Assert.Equal(0, _harness.Cluster.Committed);
        Assert.Equal(3, _harness.Cluster.Aborted);
    }

    [Fact]
    public async Task ObjectWriter_WriteAsync_ExcludesDisksThatFailToOpen()
    {
        _harness.Cluster.FailOpenDisks["disk-1"] = true;
        var data = Payload(1000);
        var stored = await Writer().WriteAsync(new MemoryStream(data), "b", data.Length, null, [], _ => { }, CancellationToken.None);

        Assert.DoesNotContain(stored.Layout.Shards, s => s.DiskId == "disk-1");
        Assert.Equal(2, _harness.Cluster.ChooseCalls);
        Assert.Equal(3, _harness.Cluster.Committed);
    }

    [Fact]
    public async Task ObjectWriter_WriteAsync_EmptyObjectHasNoShards()
    {
        var stored = await Writer().WriteAsync(new MemoryStream(), "b", 0, null, [], _ => { }, CancellationToken.None);
        Assert.Empty(stored.Layout.Shards);
        Assert.Equal(0UL, stored.Layout.Size);
        Assert.Equal(0, _harness.Cluster.ChooseCalls);
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", stored.Digest.ETag);
    }

    [Fact]
    public async Task ObjectReader_CopyRangeAsync_SwitchesReplicaMidStreamAtTheSameOffset()
    {
        var data = Payload(4 * BlockSize);
        var version = await StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        _harness.Cluster.CorruptAt[shards[0].ShardId] = 100_000;
        _harness.Cluster.CorruptAt[shards[1].ShardId] = 150_000;

        var output = new MemoryStream();
        await Reader().CopyRangeAsync(version, 10, data.Length - 20, output, CancellationToken.None);

        Assert.Equal(data.AsSpan(10, data.Length - 20).ToArray(), output.ToArray());
        Assert.Equal(2, _harness.Metrics.DegradedReads);
    }

    [Fact]
    public async Task ObjectReader_CopyRangeAsync_AllReplicasBadNeverReturnsBadBytes()
    {
        var data = Payload(2 * BlockSize);
        var version = await StoreAsync(data);
        foreach (var shard in version.Parts[0].Layout.Shards)
        {
            _harness.Cluster.CorruptAt[shard.ShardId] = 70_000;
        }
        var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<S3Exception>(() => Reader().CopyRangeAsync(version, 0, data.Length, output, CancellationToken.None));
        Assert.Equal(503, e.StatusCode);
        // What was written before the failure is a correct prefix; nothing after the corruption point.
        Assert.True(output.Length <= 70_000);
        Assert.Equal(data.AsSpan(0, (int)output.Length).ToArray(), output.ToArray());
    }

    [Fact]
    public async Task ObjectReader_CopyRangeAsync_RangeAcrossMultipartPartsReadsOnlyThoseParts()
    {
        var parts = new[] { Payload(BlockSize + 7, 1), Payload(BlockSize * 2, 2), Payload(300, 3) };
        var version = new ObjectVersion();
        for (var i = 0; i < parts.Length; i++)
        {
            var stored = await Writer().WriteAsync(new MemoryStream(parts[i]), "b", parts[i].Length, null, [], _ => { }, CancellationToken.None);
            version.Parts.Add(new ObjectPart { PartNumber = (uint)(i + 1), Size = (ulong)parts[i].Length, Layout = stored.Layout });
        }
        var whole = parts.SelectMany(p => p).ToArray();
        // Make part 3 unreadable: a range inside parts 1 and 2 must not touch it.
        foreach (var shard in version.Parts[2].Layout.Shards)
        {
            _harness.Cluster.CorruptAt[shard.ShardId] = 0;
        }
        var output = new MemoryStream();
        var offset = BlockSize - 5;
        var length = BlockSize + 100;
        await Reader().CopyRangeAsync(version, offset, length, output, CancellationToken.None);
        Assert.Equal(whole.AsSpan(offset, length).ToArray(), output.ToArray());
    }

    private async Task<ObjectVersion> StoreAsync(byte[] data)
    {
        var stored = await Writer().WriteAsync(new MemoryStream(data), "b", data.Length, null, [], _ => { }, CancellationToken.None);
        var version = new ObjectVersion { Size = (ulong)data.Length };
        version.Parts.Add(new ObjectPart { PartNumber = 1, Size = (ulong)data.Length, Layout = stored.Layout });
        return version;
    }

    /// <summary>A body that fails verification part way, as S3PayloadStream does on a bad chunk signature.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw S3Errors.SignatureDoesNotMatch();
            }
            var max = (int)Math.Min(buffer.Length, failAfter - Position);
            return await base.ReadAsync(buffer[..max], cancellationToken);
        }
    }
}
