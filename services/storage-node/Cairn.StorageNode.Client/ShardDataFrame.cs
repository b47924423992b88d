using System.Buffers.Binary;
using Grpc.Core;

namespace Cairn.StorageNode.Client;

/// <summary>
/// The wire format of the storage node's HTTP/1.1 shard read (<c>GET /v1/shards/{disk}/{shard}</c>): the body is
/// the blocks covering the range, each a 16-byte header (shard offset u64, length u32, CRC32C u32, little-endian)
/// followed by its bytes, and the body ends with an end frame (length <see cref="EndLength"/>), so a cut stream is
/// never taken for a complete one. Errors before the first byte answer a non-2xx status with the gRPC status code in
/// <see cref="StatusHeader"/>; an error mid-stream (a block failing its check on disk) ends the body with an error
/// frame instead (length <see cref="ErrorLength"/>, the status code in the offset field, the UTF-8 message's byte
/// count in the CRC field, then the message). Both transports fail the same way.
/// </summary>
public static class ShardDataFrame
{
    public const int HeaderBytes = 16;
    public const string ContentType = "application/x-cairn-shard-blocks";
    public const string StatusHeader = "cairn-grpc-status";
    public const string PathPrefix = "/v1/shards/";

    /// <summary>The length field of an error frame.</summary>
    public const uint ErrorLength = uint.MaxValue;

    /// <summary>The length field of the end frame (offset: the shard offset after the last byte sent).</summary>
    public const uint EndLength = uint.MaxValue - 1;

    public const int MaxErrorMessageBytes = 1024;

    public static void WriteHeader(Span<byte> into, long offset, uint length, uint crc32C)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(into, (ulong)offset);
        BinaryPrimitives.WriteUInt32LittleEndian(into[8..], length);
        BinaryPrimitives.WriteUInt32LittleEndian(into[12..], crc32C);
    }

    /// <summary>The header's fields; <c>Length</c> is <see cref="ErrorLength"/> for an error frame.</summary>
    public static (long Offset, uint Length, uint Crc32C) ReadHeader(ReadOnlySpan<byte> from) =>
        ((long)BinaryPrimitives.ReadUInt64LittleEndian(from), BinaryPrimitives.ReadUInt32LittleEndian(from[8..]), BinaryPrimitives.ReadUInt32LittleEndian(from[12..]));

    /// <summary>An error frame: header and message, ready to write.</summary>
    public static byte[] ErrorFrame(StatusCode code, string message)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(message.Length > MaxErrorMessageBytes / 4 ? message[..(MaxErrorMessageBytes / 4)] : message);
        var frame = new byte[HeaderBytes + text.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(frame, (ulong)code);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), ErrorLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12), (uint)text.Length);
        text.CopyTo(frame, HeaderBytes);
        return frame;
    }

    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.NotFound => 404,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => 400,
        StatusCode.FailedPrecondition => 412,
        StatusCode.ResourceExhausted => 507,
        StatusCode.Unavailable => 503,
        _ => 500,
    };
}
