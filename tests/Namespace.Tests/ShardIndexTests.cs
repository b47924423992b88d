using Cairn.Common.V1;
using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests: every backend must pass them (one subclass per backend below).</summary>
public abstract class ShardIndexTests(Backend backend) : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);

    public Task InitializeAsync() => _h.Service.CreateBucketAsync("bkt", "alice", "", default);

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task NamespaceService_ListShardsOnDisk_PagesByShardIdWithOwner()
    {
        var objects = new List<ObjectVersion>();
        for (var i = 0; i < 5; i++)
        {
            objects.Add((await _h.Service.PutObjectAsync(Objects.Version("bkt", $"k{i}"), "", false, default)).Object);
        }

        var all = new List<ShardReference>();
        var after = "";
        while (true)
        {
            var page = await _h.Service.ListShardsOnDiskAsync("d2", after, 2, default);
            all.AddRange(page.Shards);
            if (!page.IsTruncated)
            {
                break;
            }

            after = page.Shards[^1].ShardId;
        }

        var expected = objects.Select(o => o.Parts[0].Layout.Shards.Single(s => s.DiskId == "d2").ShardId).Order(StringComparer.Ordinal);
        Assert.Equal(expected, all.Select(s => s.ShardId));
        var first = all[0];
        Assert.Equal(("bkt", "k0", "null", 1u, 1u, 3), (first.Bucket, first.Key, first.VersionId, first.PartNumber, first.Index, first.Layout.Shards.Count));
    }

    [Fact]
    public async Task NamespaceService_IsShardReferenced_FollowsCommitsAndDeletes()
    {
        var obj = (await _h.Service.PutObjectAsync(Objects.Version("bkt", "k"), "", false, default)).Object;
        var shard = obj.Parts[0].Layout.Shards[0].ShardId;
        Assert.True(await _h.Service.IsShardReferencedAsync(shard, default));

        await _h.Service.DeleteObjectAsync("bkt", "k", "", default);

        Assert.False(await _h.Service.IsShardReferencedAsync(shard, default));
        Assert.Empty((await _h.Service.ListShardsOnDiskAsync("d1", "", 0, default)).Shards);
    }

    [Fact]
    public async Task NamespaceService_ReplaceShardLocation_SwapsLocationAndIndex()
    {
        var obj = (await _h.Service.PutObjectAsync(Objects.Version("bkt", "k"), "", false, default)).Object;
        var old = obj.Parts[0].Layout.Shards[1];

        var replaced = await _h.Service.ReplaceShardLocationAsync(
            old.ShardId, new ShardLocation { Index = old.Index, DiskId = "d9", ShardId = "moved-1" }, default);

        Assert.True(replaced);
        var stored = await _h.Service.GetObjectAsync("bkt", "k", "", default);
        Assert.Equal(("d9", "moved-1"), (stored.Parts[0].Layout.Shards[1].DiskId, stored.Parts[0].Layout.Shards[1].ShardId));
        Assert.False(await _h.Service.IsShardReferencedAsync(old.ShardId, default));
        Assert.Equal("moved-1", Assert.Single((await _h.Service.ListShardsOnDiskAsync("d9", "", 0, default)).Shards).ShardId);
        var garbage = Assert.Single(_h.Garbage.Events);
        Assert.Equal(("shard-replaced", old.ShardId), (garbage.Reason, Assert.Single(Assert.Single(garbage.Layouts).Shards).ShardId));
    }

    [Fact]
    public async Task NamespaceService_ReplaceShardLocation_UnknownShardIsNotReplaced()
    {
        Assert.False(await _h.Service.ReplaceShardLocationAsync(
            "nope", new ShardLocation { Index = 0, DiskId = "d1", ShardId = "x" }, default));
    }

    [Fact]
    public async Task NamespaceService_ReplaceShardLocation_WorksForPartsOfUnfinishedUploads()
    {
        var upload = await _h.Service.CreateMultipartUploadAsync(new ObjectVersion { Bucket = "bkt", Key = "m" }, default);
        var part = Objects.Part(1, 10, "p");
        await _h.Service.PutPartAsync("bkt", "m", upload.UploadId, part, default);
        var old = part.Layout.Shards[0];

        await _h.Service.ReplaceShardLocationAsync(old.ShardId, new ShardLocation { Index = 0, DiskId = "d7", ShardId = "moved-2" }, default);

        var reference = Assert.Single((await _h.Service.ListShardsOnDiskAsync("d7", "", 0, default)).Shards);
        Assert.Equal((upload.UploadId, 1u), (reference.VersionId, reference.PartNumber));
        var parts = await _h.Service.ListPartsAsync("bkt", "m", upload.UploadId, 0, 0, default);
        Assert.Equal("moved-2", parts.Parts[0].Part.Layout.Shards[0].ShardId);
    }

    [Fact]
    public async Task NamespaceService_PutObject_ShardReferencedByAnotherVersionIsRejected()
    {
        var first = Objects.Version("bkt", "a");
        await _h.Service.PutObjectAsync(first, "", false, default);
        var thief = Objects.Version("bkt", "b");
        thief.Parts[0].Layout = first.Parts[0].Layout.Clone();

        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.PutObjectAsync(thief, "", false, default));

        Assert.Equal(NamespaceErrorKind.InvalidArgument, e.Kind);
        await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetObjectAsync("bkt", "b", "", default));
    }
}

public sealed class ShardIndexTestsOnSqlite() : ShardIndexTests(Backend.Sqlite);

public sealed class ShardIndexTestsOnPostgres() : ShardIndexTests(Backend.Postgres);
