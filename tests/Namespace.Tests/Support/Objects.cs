using System.Security.Cryptography;
using System.Text;
using Cairn.Common.V1;
using Cairn.Namespace.V1;

namespace Namespace.Tests.Support;

/// <summary>Builders for the messages tests commit.</summary>
public static class Objects
{
    private static long _shardCounter;

    public static string ETagOf(string content) =>
        "\"" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(content))) + "\"";

    /// <summary>A (2+1) erasure-coded layout on fresh shard ids over disks d1..d3.</summary>
    public static ShardLayout Layout(ulong size, string diskPrefix = "d")
    {
        var layout = new ShardLayout
        {
            Scheme = RedundancyScheme.ErasureCoded,
            DataShards = 2,
            ParityShards = 1,
            BlockSize = 65536,
            Size = size,
        };
        for (uint i = 0; i < 3; i++)
        {
            var id = Interlocked.Increment(ref _shardCounter);
            layout.Shards.Add(new ShardLocation { Index = i, DiskId = $"{diskPrefix}{i + 1}", ShardId = $"s{id:D8}" });
        }

        return layout;
    }

    public static ObjectVersion Version(string bucket, string key, string content = "x", ulong size = 100)
    {
        var etag = ETagOf(content);
        return new ObjectVersion
        {
            Bucket = bucket,
            Key = key,
            Size = size,
            Etag = etag,
            ContentType = "application/octet-stream",
            Parts = { new ObjectPart { PartNumber = 1, Size = size, Etag = etag, Layout = Layout(size) } },
        };
    }

    public static ObjectPart Part(uint number, ulong size, string content) => new()
    {
        PartNumber = number,
        Size = size,
        Etag = ETagOf(content),
        Layout = Layout(size),
    };
}
