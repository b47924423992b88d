using Cairn.Common.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.DataPath;

/// <summary>What the payload turned out to be, known once it has been read to its end.</summary>
public sealed record PayloadDigest(long Size, byte[] Md5, IReadOnlyDictionary<ChecksumAlgorithm, string> Checksums)
{
    public string ETag => "\"" + Convert.ToHexStringLower(Md5) + "\"";
}

/// <summary>A payload whose shards are durable: ready to be committed to the namespace.</summary>
public sealed record StoredData(ShardLayout Layout, PayloadDigest Digest);
