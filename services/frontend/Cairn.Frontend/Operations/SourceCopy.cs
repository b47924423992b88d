using System.IO.Pipelines;
using Cairn.Frontend.DataPath;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// The data movement of CopyObject and UploadPartCopy: a range of the source is read through the verified GET
/// path and piped (pooled pipe segments, never the whole range) into the PUT path. The copy always gets fresh
/// shards, so GC of the source can never remove the copy's bytes.
/// </summary>
public sealed class SourceCopy(ObjectReader reader, ObjectWriter writer)
{
    /// <summary>The storage class a copy is written with (x-amz-storage-class, else the source's).</summary>
    public string StorageClassOf(string? requested) => writer.StorageClassOf(requested);

    public async Task<StoredData> CopyAsync(ObjectVersion source, long offset, long length, string targetBucket, string? storageClass,
        IReadOnlyCollection<ChecksumAlgorithm> algorithms, CancellationToken ct)
    {
        var pipe = new Pipe();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(source, offset, length, pipe.Writer, stopReading.Token);
        try
        {
            await using var input = pipe.Reader.AsStream();
            return await writer.WriteAsync(input, targetBucket, length, storageClass, algorithms, digest =>
            {
                // The reader either delivers the exact range or fails: a short copy is a bug, never committed.
                if (digest.Size != length)
                {
                    throw S3Errors.InternalError();
                }
            }, ct);
        }
        finally
        {
            // After a failed write nobody consumes the pipe: stop reading the source instead of draining it.
            await stopReading.CancelAsync();
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The checksum algorithms a source version carries, so the copy is checksummed the same way.</summary>
    public static List<ChecksumAlgorithm> AlgorithmsOf(ObjectVersion source) =>
        source.Checksums.Keys
            .Select(n => S3Checksums.TryParseAlgorithm(n, out var a) ? (ChecksumAlgorithm?)a : null)
            .OfType<ChecksumAlgorithm>()
            .ToList();

    private async Task PumpAsync(ObjectVersion source, long offset, long length, PipeWriter output, CancellationToken ct)
    {
        try
        {
            await using var stream = output.AsStream(leaveOpen: true);
            await reader.CopyRangeAsync(source, offset, length, stream, ct);
            await output.CompleteAsync();
        }
        catch (Exception e)
        {
            await output.CompleteAsync(e);
        }
    }
}
