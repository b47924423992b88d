namespace Cairn.S3.Protocol.Tests;

/// <summary>The combined CRC of split data must equal the CRC computed over the whole, for every split.</summary>
public class CrcCombineTests
{
    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    public void S3Checksums_FullObject_RandomSplitsEqualWholeCrc(ChecksumAlgorithm algorithm)
    {
        var random = new Random(4242 + (int)algorithm);
        for (var round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(0, 5000)];
            random.NextBytes(data);
            var cuts = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(0, data.Length + 1)).Append(0).Append(data.Length).Order().ToList();
            var parts = cuts.Zip(cuts.Skip(1), (from, to) => (Base64(algorithm, data.AsSpan(from, to - from)), (long)(to - from))).ToList();

            var combined = S3Checksums.FullObject(algorithm, parts);

            Assert.True(Base64(algorithm, data) == combined, $"{algorithm} round {round}: cuts {string.Join(',', cuts)}");
        }
    }

    [Fact]
    public void CrcCombine_Combine_AssociativeAndSensitiveToLengthsPastFourGiB()
    {
        // (A || Z3) || Z3 == A || Z6, and a length of 2^32 + 1 is not taken for 2^32 (no 32-bit truncation).
        var c = CrcCombine.Crc32;
        var zeroes3 = Crc(ChecksumAlgorithm.Crc32, new byte[3]);
        var a = Crc(ChecksumAlgorithm.Crc32, "abc"u8.ToArray());
        var left = c.Combine(c.Combine(a, zeroes3, 3), zeroes3, 3);
        var right = c.Combine(a, Crc(ChecksumAlgorithm.Crc32, new byte[6]), 6);

        Assert.Equal(right, left);
        Assert.NotEqual(c.Combine(a, 0, 1L << 32), c.Combine(a, 0, (1L << 32) + 1));
    }

    [Fact]
    public void S3Checksums_FullObject_ShaIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => S3Checksums.FullObject(ChecksumAlgorithm.Sha256, [(Convert.ToBase64String(new byte[32]), 1L)]));

    private static string Base64(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var calculator = ChecksumCalculator.Create(algorithm);
        calculator.Append(data);
        return calculator.GetBase64();
    }

    private static ulong Crc(ChecksumAlgorithm algorithm, byte[] data)
    {
        var bytes = Convert.FromBase64String(Base64(algorithm, data));
        return bytes.Length == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) : System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
