using System.Security.Cryptography;
using System.Text;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// Shard ids are opaque client strings. They never become path text: a file is named by the SHA-256 of
/// the id, so "../x", NUL or a 1,000-character id all map to one fixed-length hex name.
/// </summary>
public static class ShardIds
{
    public const int MaxBytes = 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The id's UTF-8 bytes; throws <see cref="ArgumentException"/> when empty, too long or not valid Unicode.</summary>
    public static byte[] Validate(string shardId)
    {
        if (string.IsNullOrEmpty(shardId))
        {
            throw new ArgumentException("shard id is empty", nameof(shardId));
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(shardId);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("shard id is not valid Unicode", nameof(shardId), ex);
        }

        if (bytes.Length > MaxBytes)
        {
            throw new ArgumentException($"shard id is longer than {MaxBytes} bytes", nameof(shardId));
        }

        return bytes;
    }

    /// <summary>Lower-case hex SHA-256 of the id bytes; the first two characters name the fan-out directory.</summary>
    public static string FileStem(ReadOnlySpan<byte> idBytes) => Convert.ToHexStringLower(SHA256.HashData(idBytes));
}
