using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Grpc.Core;

namespace Cairn.StorageNode.Client;

/// <summary>
/// <see cref="ShardReader"/> over the node's HTTP/1.1 bulk read (<see cref="ShardDataFrame"/>): the same verified
/// bytes, the same exceptions (ShardNotFoundException, ShardCorruptException, RpcException for everything else,
/// Unavailable for a broken connection), at a fraction of the CPU per byte.
/// </summary>
public static class ShardDataReader
{
    /// <summary>A block larger than this is a protocol error, not an allocation.</summary>
    public const int MaxBlockBytes = StorageNodeClients.MaxMessageBytes;

    /// <summary>
    /// Streams the verified bytes of [offset, offset+length) (length 0 = to the end). Unlike the gRPC reader, each
    /// chunk is a pooled buffer valid only until the next one is requested.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        HttpClient http, string dataUrl, string diskId, string shardId, long offset, long length, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, long.MaxValue - offset);

        var uri = string.Create(CultureInfo.InvariantCulture,
            $"{dataUrl.TrimEnd('/')}{ShardDataFrame.PathPrefix}{Uri.EscapeDataString(diskId)}/{Uri.EscapeDataString(shardId)}?offset={offset}&length={length}");
        using var response = await Send(http, uri, diskId, shardId, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var header = new byte[ShardDataFrame.HeaderBytes];
        byte[]? buffer = null;
        long end = length == 0 ? long.MaxValue : offset + length;
        long position = offset;
        try
        {
            while (position < end)
            {
                if (await Fill(body, header, diskId, ct) != header.Length)
                {
                    throw new ShardCorruptException(diskId, shardId, $"stream ended at {position} without its end frame");
                }

                var (blockStart, length32, crc) = ShardDataFrame.ReadHeader(header);
                if (length32 == ShardDataFrame.ErrorLength)
                {
                    throw await ErrorFrameAsync(body, blockStart, crc, diskId, shardId, ct);
                }

                if (length32 == ShardDataFrame.EndLength)
                {
                    break;
                }

                int blockLength = length32 > MaxBlockBytes ? -1 : (int)length32;
                if (blockLength is <= 0 or > MaxBlockBytes || blockStart > position || blockStart + blockLength <= position)
                {
                    throw new ShardCorruptException(diskId, shardId, $"block at {blockStart} ({blockLength} bytes) does not continue the stream at {position}");
                }

                if (buffer is null || buffer.Length < blockLength)
                {
                    Return(ref buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(blockLength);
                }

                var data = buffer.AsMemory(0, blockLength);
                if (await Fill(body, data, diskId, ct) != blockLength)
                {
                    throw new ShardCorruptException(diskId, shardId, $"stream ended inside the block at {blockStart}");
                }

                if (Crc32C.Compute(data.Span) != crc)
                {
                    throw new ShardCorruptException(diskId, shardId, $"CRC32C mismatch in the block at offset {blockStart}");
                }

                int from = (int)(position - blockStart);
                int to = (int)(Math.Min(blockStart + blockLength, end) - blockStart);
                position = blockStart + to;
                yield return data[from..to];
            }
        }
        finally
        {
            Return(ref buffer);
        }

        if (length != 0 && position < end)
        {
            throw new ShardCorruptException(diskId, shardId, $"stream ended at {position}, before {end}");
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, string uri, string diskId, string shardId, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(diskId, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var detail = await response.Content.ReadAsStringAsync(ct);
            var code = response.Headers.TryGetValues(ShardDataFrame.StatusHeader, out var values)
                && int.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out int c)
                ? (StatusCode)c
                : StatusCode.Unknown;
            throw ShardReader.Translate(new RpcException(new Status(code, detail)), diskId, shardId);
        }
    }

    /// <summary>The failure the node reported mid-stream, as the gRPC reader would have thrown it.</summary>
    private static async Task<Exception> ErrorFrameAsync(Stream body, long code, uint messageBytes, string diskId, string shardId, CancellationToken ct)
    {
        var message = new byte[Math.Min(messageBytes, ShardDataFrame.MaxErrorMessageBytes)];
        int read = await Fill(body, message, diskId, ct);
        var status = new Status(code is >= 0 and <= 16 ? (StatusCode)code : StatusCode.Unknown, System.Text.Encoding.UTF8.GetString(message, 0, read));
        return ShardReader.Translate(new RpcException(status), diskId, shardId);
    }

    /// <summary>Reads until <paramref name="into"/> is full or the body ends; a broken connection is Unavailable.</summary>
    private static async Task<int> Fill(Stream body, Memory<byte> into, string diskId, CancellationToken ct)
    {
        try
        {
            return await body.ReadAtLeastAsync(into, into.Length, throwOnEndOfStream: false, ct);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Unavailable(diskId, ex);
        }
    }

    private static RpcException Unavailable(string diskId, Exception ex) =>
        new(new Status(StatusCode.Unavailable, $"disk '{diskId}': {ex.Message}", ex));

    private static void Return(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }
}
