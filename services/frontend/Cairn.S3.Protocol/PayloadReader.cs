namespace Cairn.S3.Protocol;

/// <summary>One way of turning the raw request body into verified object bytes.</summary>
internal abstract class PayloadReader : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoTrailers = new Dictionary<string, string>();

    /// <summary>Object bytes, or 0 at a verified end; throws S3Exception when verification fails.</summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct);

    public virtual IReadOnlyDictionary<string, string> Trailers => NoTrailers;

    public virtual void Dispose()
    {
    }
}
