using System.Security.Cryptography;
using Cairn.Common.V1;
using Cairn.ErasureCoding;
using Cairn.Frontend;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;
using Frontend.Tests.Fakes;

namespace Frontend.Tests;

/// <summary>Erasure-coded PUT and GET over fake shard storage: layout, sizes at the edges, ranges, lost shards.</summary>
public class ErasureCodedDataPathTests
{
    private const int B = 4096;
    private const int StripeBytes = 4 * B;

    private readonly DataPathHarness _harness = new(new FrontendOptions
    {
        BlockSize = B,
        Replicas = 3,
        ErasureCoding = new ErasureCodingOptions { ThresholdBytes = 1 },
        ReadSteering = new ReadSteeringOptions { HedgeEnabled = false },
    });

    public static TheoryData<int> Sizes => new()
    {
        1, 3, 4, 5, B - 1, B, B + 1, StripeBytes - 1, StripeBytes, StripeBytes + 1, (3 * StripeBytes) + 5, (5 * StripeBytes) - 3,
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task ErasureCodedWrite_OddSizes_StripesShardsAndReadsBackIdentical(int size)
    {
        var data = DataPathHarness.Payload(size, size);
        var version = await _harness.StoreAsync(data);
        var layout = version.Parts[0].Layout;

        Assert.Equal(RedundancyScheme.ErasureCoded, layout.Scheme);
        Assert.Equal((4u, 2u, (uint)B, (ulong)size), (layout.DataShards, layout.ParityShards, layout.BlockSize, layout.Size));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (uint)i), layout.Shards.Select(s => s.Index));
        Assert.Equal(6, layout.Shards.Select(s => s.DiskId).Distinct().Count());
        var stripes = new StripeLayout(size, 4, 2, B);
        var shards = layout.Shards.Select(s => _harness.Cluster.ShardBytes(s.DiskId, s.ShardId)).ToArray();
        Assert.All(shards, s => Assert.Equal(stripes.ShardLength, s.Length));
        // Shard 0 starts with the object's first bytes: a healthy read needs no decode.
        var b0 = stripes.BlockSizeOfStripe(0);
        Assert.Equal(data.AsSpan(0, Math.Min(b0, size)).ToArray(), shards[0].AsSpan(0, Math.Min(b0, size)).ToArray());
        // Parity matches the data of every stripe.
        var codec = new ReedSolomon(4, 2);
        for (long s = 0; s < stripes.StripeCount; s++)
        {
            var b = stripes.BlockSizeOfStripe(s);
            var blocks = shards.Select(x => (Memory<byte>)x.AsMemory((int)(s * B), b)).ToArray();
            Assert.True(codec.Verify(blocks), $"stripe {s}");
        }

        Assert.Equal(data, await _harness.ReadAsync(version));
        Assert.Equal(data, await _harness.ReadCopyingAsync(version));
        Assert.Equal(0, _harness.Metrics.DecodedStripes);
    }

    [Fact]
    public async Task ErasureCodedWrite_EveryBlockButEachShardsLastIsFull()
    {
        var size = (2 * StripeBytes) + 10;
        await _harness.StoreAsync(DataPathHarness.Payload(size));
        // Two full stripes of B per shard, then the last stripe's b = ceil(10 / 4) = 3.
        Assert.Equal(18, _harness.Cluster.BlocksWritten.Count);
        Assert.Equal(12, _harness.Cluster.BlocksWritten.Count(w => w.Length == B));
        Assert.Equal(6, _harness.Cluster.BlocksWritten.Count(w => w.Length == 3));
    }

    [Fact]
    public async Task ErasureCodedWrite_Md5AndChecksumsCoverThePayloadOnly()
    {
        var data = DataPathHarness.Payload(StripeBytes + 7);
        var stored = await _harness.Writer().WriteAsync(new MemoryStream(data), "b", data.Length, null, [ChecksumAlgorithm.Crc32C], _ => { }, CancellationToken.None);
#pragma warning disable CA5351
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", stored.Digest.ETag);
#pragma warning restore CA5351
        using var crc = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32C);
        crc.Append(data);
        Assert.Equal(crc.GetBase64(), stored.Digest.Checksums[ChecksumAlgorithm.Crc32C]);
    }

    [Fact]
    public async Task ErasureCodedWrite_EmptyPayloadStoresNoShards()
    {
        var version = await _harness.StoreAsync([]);
        Assert.Empty(version.Parts[0].Layout.Shards);
        Assert.Empty(_harness.Cluster.BlocksWritten);
        Assert.Empty(await _harness.ReadAsync(version));
    }

    [Fact]
    public async Task RedundancyPolicy_BelowThresholdReplicatesAtOrAboveCodes()
    {
        var harness = new DataPathHarness(new FrontendOptions { BlockSize = B, ErasureCoding = new ErasureCodingOptions { ThresholdBytes = 10_000 } });
        var small = await harness.StoreAsync(DataPathHarness.Payload(9_999));
        var large = await harness.StoreAsync(DataPathHarness.Payload(10_000));
        var unknownSize = await harness.StoreAsync(DataPathHarness.Payload(20_000), sizeHint: 0);

        Assert.Equal((RedundancyScheme.Replicated, 3), (small.Parts[0].Layout.Scheme, small.Parts[0].Layout.Shards.Count));
        Assert.Equal((RedundancyScheme.ErasureCoded, 6), (large.Parts[0].Layout.Scheme, large.Parts[0].Layout.Shards.Count));
        // A payload of unknown length (chunked without a decoded length) is replicated: it cannot be planned as stripes.
        Assert.Equal(RedundancyScheme.Replicated, unknownSize.Parts[0].Layout.Scheme);
    }

    [Theory]
    [InlineData("STANDARD_IA", 6, 3)]
    [InlineData("GLACIER_IR", 8, 4)]
    [InlineData(null, 4, 2)]
    public async Task RedundancyPolicy_StorageClassChoosesTheScheme(string? storageClass, int k, int m)
    {
        var data = DataPathHarness.Payload((3 * StripeBytes) + 11);
        var version = await _harness.StoreAsync(data, storageClass);
        var layout = version.Parts[0].Layout;
        Assert.Equal(((uint)k, (uint)m, k + m), (layout.DataShards, layout.ParityShards, layout.Shards.Count));
        // Lose m shards, data shards first: the read must decode.
        foreach (var shard in layout.Shards.Take(m))
        {
            _harness.Cluster.Delete(shard.DiskId, shard.ShardId);
        }
        Assert.Equal(data, await _harness.ReadAsync(version));
        Assert.True(_harness.Metrics.DecodedStripes > 0);
    }

    [Fact]
    public async Task RedundancyPolicy_ReducedRedundancyIsReplicatedAndUnknownClassRefused()
    {
        var rrs = await _harness.StoreAsync(DataPathHarness.Payload(StripeBytes), "REDUCED_REDUNDANCY");
        Assert.Equal(RedundancyScheme.Replicated, rrs.Parts[0].Layout.Scheme);
        _harness.Cluster.BlocksWritten.Clear();

        var e = await Assert.ThrowsAsync<S3Exception>(() => _harness.StoreAsync(DataPathHarness.Payload(10), "PLATINUM"));
        Assert.Equal(("InvalidStorageClass", 400), (e.Code, e.StatusCode));
        Assert.Empty(_harness.Cluster.BlocksWritten);
    }

    [Fact]
    public async Task ErasureCodedRead_RangesAcrossStripes_ReturnExactlyTheRangeAndReadOnlyItsStripes()
    {
        var size = (6 * StripeBytes) + 1234;
        var data = DataPathHarness.Payload(size);
        var version = await _harness.StoreAsync(data);
        var stripes = new StripeLayout(size, 4, 2, B);
        var random = new Random(7);
        var ranges = new List<(long Offset, long Length)> { (0, 1), (size - 1, 1), (B - 1, 2), (StripeBytes - 1, 2), (StripeBytes, StripeBytes), (5, size - 10) };
        for (var i = 0; i < 20; i++)
        {
            var offset = random.NextInt64(size);
            ranges.Add((offset, 1 + random.NextInt64(size - offset)));
        }
        foreach (var (offset, length) in ranges)
        {
            _harness.Cluster.Reads.Clear();
            Assert.Equal(data.AsSpan((int)offset, (int)length).ToArray(), await _harness.ReadAsync(version, offset, length));
            var first = stripes.ShardOffsetOfStripe(stripes.StripeOf(offset));
            var last = stripes.StripeOf(offset + length - 1);
            var end = stripes.ShardOffsetOfStripe(last) + stripes.BlockSizeOfStripe(last);
            Assert.All(_harness.Cluster.Reads, r => Assert.True(r.Offset >= first && r.Offset + r.Length <= end, $"read {r.Offset}+{r.Length} outside stripes [{first}, {end}) for range {offset}+{length}"));
        }
        Assert.Equal(0, _harness.Metrics.DecodedStripes);
    }

    [Fact]
    public async Task ErasureCodedRead_Healthy_ReadsOnlyTheDataShardsItNeeds()
    {
        var data = DataPathHarness.Payload(5 * StripeBytes);
        var version = await _harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        _harness.Cluster.Reads.Clear();

        Assert.Equal(data, await _harness.ReadAsync(version));
        var parityShards = shards.Where(s => s.Index >= 4).Select(s => s.ShardId).ToHashSet();
        Assert.DoesNotContain(_harness.Cluster.Reads, r => parityShards.Contains(r.Shard));
        // One streaming read per data shard for the whole range, not one per stripe.
        Assert.Equal(4, _harness.Cluster.Reads.Count);

        // A range inside one block touches one shard.
        _harness.Cluster.Reads.Clear();
        Assert.Equal(data.AsSpan(B + 10, 100).ToArray(), await _harness.ReadAsync(version, B + 10, 100));
        Assert.Equal(shards[1].ShardId, Assert.Single(_harness.Cluster.Reads).Shard);
    }

    public static TheoryData<int[], string> LostShards => new()
    {
        { [0], "missing" }, { [3], "down" }, { [5], "corrupt" }, { [0, 1], "missing" }, { [1, 4], "down" }, { [2, 3], "corrupt" }, { [0, 5], "corrupt-late" },
    };

    [Theory]
    [MemberData(nameof(LostShards))]
    public async Task ErasureCodedRead_OneOrTwoShardsLost_DecodesIdenticalBytes(int[] lost, string how)
    {
        var size = (4 * StripeBytes) + 777;
        var data = DataPathHarness.Payload(size, lost.Sum());
        var version = await _harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        foreach (var shard in lost.Select(i => shards[i]))
        {
            switch (how)
            {
                case "missing": _harness.Cluster.Delete(shard.DiskId, shard.ShardId); break;
                case "down": _harness.Cluster.DownDisks[shard.DiskId] = true; break;
                case "corrupt": _harness.Cluster.CorruptAt[shard.ShardId] = 0; break;
                // Corruption found mid-stream, in the third stripe: the stripes before were already sent.
                default: _harness.Cluster.CorruptAt[shard.ShardId] = (2 * B) + 5; break;
            }
        }

        Assert.Equal(data, await _harness.ReadAsync(version));
        Assert.Equal(data, await _harness.ReadCopyingAsync(version));
        Assert.Equal(data.AsSpan(B, 2 * StripeBytes).ToArray(), await _harness.ReadAsync(version, B, 2 * StripeBytes));
        if (lost.Any(i => i < 4))
        {
            Assert.True(_harness.Metrics.DecodedStripes > 0);
        }
    }

    [Fact]
    public async Task ErasureCodedRead_ThreeShardsLost_FailsWithoutWrongBytes()
    {
        var data = DataPathHarness.Payload(3 * StripeBytes);
        var version = await _harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        _harness.Cluster.DownDisks[shards[4].DiskId] = true;
        _harness.Cluster.Delete(shards[5].DiskId, shards[5].ShardId);
        // Data shard 2 turns corrupt in the second stripe: stripe 0 is served, stripe 1 cannot be.
        _harness.Cluster.CorruptAt[shards[2].ShardId] = B + 1;

        var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<S3Exception>(() => _harness.Reader().CopyRangeAsync(version, 0, data.Length, output, CancellationToken.None));
        Assert.Equal(503, e.StatusCode);
        Assert.Equal(StripeBytes, output.Length);
        Assert.Equal(data.AsSpan(0, StripeBytes).ToArray(), output.ToArray());
    }

    [Fact]
    public async Task ErasureCodedWrite_PayloadFailingMidStream_CommitsNoShard()
    {
        var data = DataPathHarness.Payload(5 * StripeBytes);
        var e = await Assert.ThrowsAsync<S3Exception>(() => _harness.Writer().WriteAsync(new FailAfterStream(data, (2 * StripeBytes) + 100), "b", data.Length, null, [], _ => { }, CancellationToken.None));
        Assert.Equal("IncompleteBody", e.Code);
        Assert.Equal(0, _harness.Cluster.Committed);
        Assert.Equal(6, _harness.Cluster.Aborted);
    }

    [Fact]
    public async Task ErasureCodedWrite_DiskFailingToOpen_IsReplacedBeforeAnyByte()
    {
        _harness.Cluster.FailOpenDisks["disk-2"] = true;
        var data = DataPathHarness.Payload(StripeBytes + 1);
        var version = await _harness.StoreAsync(data);
        Assert.DoesNotContain(version.Parts[0].Layout.Shards, s => s.DiskId == "disk-2");
        Assert.Equal(6, _harness.Cluster.Committed);
        Assert.Equal(data, await _harness.ReadAsync(version));
    }

    [Fact]
    public async Task ErasureCodedRead_RangeAcrossReplicatedAndCodedParts()
    {
        var harness = new DataPathHarness(new FrontendOptions { BlockSize = B, ErasureCoding = new ErasureCodingOptions { ThresholdBytes = StripeBytes } });
        var parts = new[] { DataPathHarness.Payload((2 * StripeBytes) + 3, 1), DataPathHarness.Payload(100, 2), DataPathHarness.Payload(StripeBytes + B, 3) };
        var version = new ObjectVersion();
        for (var i = 0; i < parts.Length; i++)
        {
            var stored = await harness.Writer().WriteAsync(new MemoryStream(parts[i]), "b", parts[i].Length, null, [], _ => { }, CancellationToken.None);
            version.Parts.Add(new ObjectPart { PartNumber = (uint)(i + 1), Size = (ulong)parts[i].Length, Layout = stored.Layout });
        }
        version.Size = (ulong)parts.Sum(p => p.Length);
        Assert.Equal([RedundancyScheme.ErasureCoded, RedundancyScheme.Replicated, RedundancyScheme.ErasureCoded], version.Parts.Select(p => p.Layout.Scheme));
        var whole = parts.SelectMany(p => p).ToArray();
        // Lose a data shard of the last part: the range crosses into it and decodes there.
        var lost = version.Parts[2].Layout.Shards[0];
        harness.Cluster.Delete(lost.DiskId, lost.ShardId);

        Assert.Equal(whole, await harness.ReadAsync(version));
        var offset = StripeBytes + 5;
        var length = whole.Length - offset - 7;
        Assert.Equal(whole.AsSpan(offset, length).ToArray(), await harness.ReadAsync(version, offset, length));
    }

    [Fact]
    public async Task ErasureCodedRead_LayoutNotNamingEveryShard_IsRefusedNotGuessed()
    {
        var version = await _harness.StoreAsync(DataPathHarness.Payload(StripeBytes));
        version.Parts[0].Layout.Shards.RemoveAt(5);
        var e = await Assert.ThrowsAsync<S3Exception>(() => _harness.ReadAsync(version));
        Assert.Equal(500, e.StatusCode);
    }

    /// <summary>A body cut short, as a client disconnecting mid-upload looks to the writer.</summary>
    private sealed class FailAfterStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw S3Errors.IncompleteBody();
            }
            return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - Position)], cancellationToken);
        }
    }
}
