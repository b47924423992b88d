using System.Globalization;
using Cairn.Frontend.Backends;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// Multipart uploads: every part is stored like an object (its own shard layout); Complete only stitches the
/// parts together in the namespace, never copying data.
/// </summary>
public sealed class Multipart(IObjectMetadataStore metadata, BucketAccess access, ObjectWriter writer)
{
    private const int MaxPartNumber = 10000;
    private const int MaxCompleteBodyBytes = 4 * 1024 * 1024;

    public async Task CreateAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var template = new ObjectVersion { Bucket = request.Bucket, Key = request.Key, Owner = request.Auth.AccessKey };
        ObjectHeaders.ReadInto(request.Request, template);
        template.Tags.Add(TagSet.FromHeader(request.Header("x-amz-tagging")));
        template.StorageClass = writer.StorageClassOf(request.Header("x-amz-storage-class"));
        var algorithm = ChecksumAlgorithmOf(request);
        if (algorithm is { } alg)
        {
            // The upload's algorithm is remembered as a checksum name with no value yet.
            template.Checksums[S3Checksums.Name(alg)] = string.Empty;
            template.ChecksumType = ObjectChecksums.UploadType(alg, request.Header("x-amz-checksum-type"));
        }
        var upload = await metadata.CreateMultipartUploadAsync(template, request.Aborted);
        if (algorithm is { } announced)
        {
            request.Response.Headers["x-amz-checksum-algorithm"] = S3Checksums.Name(announced);
        }
        await S3Xml.WriteAsync(request.Response, "InitiateMultipartUploadResult", w =>
        {
            w.Element("Bucket", request.Bucket);
            w.Element("Key", request.Key);
            w.Element("UploadId", upload.UploadId);
        });
    }

    public async Task UploadPartAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var partNumber = ParsePartNumber(request.Query("partNumber"));
        var uploadId = request.Query("uploadId")!;
        // NoSuchUpload before any byte is stored.
        var upload = await metadata.GetMultipartUploadAsync(request.Bucket, request.Key, uploadId, request.Aborted);
        var stored = await PutObject.StoreBodyAsync(request, writer, request.Bucket, upload.Template?.StorageClass, AlgorithmOf(upload));
        await metadata.PutPartAsync(new PutPartRequest
        {
            Bucket = request.Bucket,
            Key = request.Key,
            UploadId = uploadId,
            Part = new ObjectPart
            {
                PartNumber = (uint)partNumber,
                Size = (ulong)stored.Data.Digest.Size,
                Etag = stored.Data.Digest.ETag,
                Layout = stored.Data.Layout,
                Checksums = { stored.Checksums },
            },
        }, request.Aborted);
        request.Response.Headers.ETag = stored.Data.Digest.ETag;
        PutObject.WriteChecksumHeaders(request, stored.Checksums);
        request.Response.ContentLength = 0;
    }

    public async Task CompleteAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var uploadId = request.Query("uploadId")!;
        var body = await RequestXml.ReadAsync(request, MaxCompleteBodyBytes);
        var root = body.Document?.Root;
        if (root is null || root.Name.LocalName != "CompleteMultipartUpload")
        {
            throw S3Errors.MalformedXML();
        }
        var complete = new CompleteMultipartUploadRequest { Bucket = request.Bucket, Key = request.Key, UploadId = uploadId };
        foreach (var part in root.Children("Part"))
        {
            var number = part.ChildValue("PartNumber");
            var etag = part.ChildValue("ETag");
            if (number is null || etag is null || !uint.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw S3Errors.MalformedXML();
            }
            var completed = new CompletedPart { PartNumber = n, Etag = "\"" + Conditions.Unquote(etag) + "\"" };
            foreach (var alg in Enum.GetValues<ChecksumAlgorithm>())
            {
                if (part.ChildValue("Checksum" + S3Checksums.Name(alg)) is { } listed)
                {
                    completed.Checksums[S3Checksums.Name(alg)] = listed.Trim();
                }
            }
            complete.Parts.Add(completed);
        }
        if (complete.Parts.Count == 0 || complete.Parts.Count > MaxPartNumber)
        {
            throw S3Errors.MalformedXML();
        }
        var conditions = new PutObjectRequest();
        PutObject.ReadWriteConditions(request, conditions);
        complete.IfMatch = conditions.IfMatch;
        complete.IfNoneMatchStar = conditions.IfNoneMatchStar;

        var result = await metadata.CompleteMultipartUploadAsync(complete, request.Aborted);
        var version = result.Object;
        ObjectHeaders.WriteVersionId(request.Response, version?.VersionId);
        await S3Xml.WriteAsync(request.Response, "CompleteMultipartUploadResult", w =>
        {
            w.Element("Location", $"/{request.Bucket}/{Uri.EscapeDataString(request.Key)}");
            w.Element("Bucket", request.Bucket);
            w.Element("Key", request.Key);
            w.Element("ETag", version?.Etag);
            foreach (var (alg, value) in version is null ? [] : ObjectChecksums.Of(version))
            {
                w.Element("Checksum" + S3Checksums.Name(alg), value);
            }
            w.Element("ChecksumType", string.IsNullOrEmpty(version?.ChecksumType) ? null : version.ChecksumType);
        });
    }

    public async Task AbortAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        await metadata.AbortMultipartUploadAsync(request.Bucket, request.Key, request.Query("uploadId")!, request.Aborted);
        request.Response.StatusCode = 204;
    }

    public async Task ListPartsAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var uploadId = request.Query("uploadId")!;
        var maxParts = ListObjects.ParseMaxKeys(request, "max-parts");
        var markerText = request.Query("part-number-marker");
        uint marker = 0;
        if (markerText is not null && !uint.TryParse(markerText, NumberStyles.None, CultureInfo.InvariantCulture, out marker))
        {
            throw S3Errors.InvalidArgument("Provided part-number-marker not an integer", "part-number-marker", markerText);
        }
        var page = await metadata.ListPartsAsync(new ListPartsRequest
        {
            Bucket = request.Bucket,
            Key = request.Key,
            UploadId = uploadId,
            PartNumberMarker = marker,
            MaxParts = (uint)maxParts,
        }, request.Aborted);
        await S3Xml.WriteAsync(request.Response, "ListPartsResult", w =>
        {
            w.Element("Bucket", request.Bucket);
            w.Element("Key", request.Key);
            w.Element("UploadId", uploadId);
            w.Element("PartNumberMarker", marker);
            if (page.IsTruncated)
            {
                w.Element("NextPartNumberMarker", page.NextPartNumberMarker);
            }
            w.Element("MaxParts", maxParts);
            w.Element("IsTruncated", page.IsTruncated);
            Buckets.WriteOwner(w, request.Auth.AccessKey);
            w.Element("StorageClass", "STANDARD");
            for (var i = 0; i < page.Parts.Count; i++)
            {
                var part = page.Parts[i];
                w.WriteStartElement("Part", S3Xml.Namespace);
                w.Element("PartNumber", part.PartNumber);
                if (i < page.PartModifiedUnixMs.Count)
                {
                    w.Element("LastModified", S3Xml.Timestamp(page.PartModifiedUnixMs[i]));
                }
                w.Element("ETag", part.Etag);
                w.Element("Size", (long)part.Size);
                foreach (var (name, value) in part.Checksums)
                {
                    if (S3Checksums.TryParseAlgorithm(name, out var alg) && value.Length > 0)
                    {
                        w.Element("Checksum" + S3Checksums.Name(alg), value);
                    }
                }
                w.WriteEndElement();
            }
        });
    }

    public async Task ListUploadsAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var maxUploads = ListObjects.ParseMaxKeys(request, "max-uploads");
        var url = ListObjects.UrlEncoding(request);
        var keyMarker = request.Query("key-marker") ?? string.Empty;
        var uploadIdMarker = request.Query("upload-id-marker") ?? string.Empty;
        var page = await metadata.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
        {
            Bucket = request.Bucket,
            Prefix = request.Query("prefix") ?? string.Empty,
            KeyMarker = keyMarker,
            UploadIdMarker = uploadIdMarker,
            MaxUploads = (uint)maxUploads,
        }, request.Aborted);
        await S3Xml.WriteAsync(request.Response, "ListMultipartUploadsResult", w =>
        {
            w.Element("Bucket", request.Bucket);
            w.Element("KeyMarker", ListObjects.Encode(keyMarker, url));
            w.Element("UploadIdMarker", uploadIdMarker);
            if (page.IsTruncated)
            {
                w.Element("NextKeyMarker", ListObjects.Encode(page.NextKeyMarker, url));
                w.Element("NextUploadIdMarker", page.NextUploadIdMarker);
            }
            w.Element("Prefix", ListObjects.Encode(request.Query("prefix") ?? string.Empty, url));
            w.Element("MaxUploads", maxUploads);
            w.Element("IsTruncated", page.IsTruncated);
            w.Element("EncodingType", url ? "url" : null);
            foreach (var upload in page.Uploads)
            {
                w.WriteStartElement("Upload", S3Xml.Namespace);
                w.Element("Key", ListObjects.Encode(upload.Key, url));
                w.Element("UploadId", upload.UploadId);
                w.Element("Initiated", S3Xml.Timestamp(upload.InitiatedUnixMs));
                w.Element("StorageClass", "STANDARD");
                w.WriteEndElement();
            }
        });
    }

    internal static int ParsePartNumber(string? raw)
    {
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxPartNumber)
        {
            throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", raw);
        }
        return n;
    }

    /// <summary>The checksum algorithm the upload was created with (remembered as a name without a value).</summary>
    internal static ChecksumAlgorithm? AlgorithmOf(MultipartUpload upload)
    {
        ChecksumAlgorithm? algorithm = null;
        foreach (var name in upload.Template?.Checksums.Keys ?? Enumerable.Empty<string>())
        {
            if (S3Checksums.TryParseAlgorithm(name, out var alg))
            {
                algorithm = alg;
            }
        }
        return algorithm;
    }

    private static ChecksumAlgorithm? ChecksumAlgorithmOf(S3Request request)
    {
        var name = request.Header("x-amz-checksum-algorithm");
        if (name is null)
        {
            return null;
        }
        return S3Checksums.TryParseAlgorithm(name, out var alg) ? alg : throw S3Errors.InvalidRequest("Value for x-amz-checksum-algorithm header is invalid.");
    }
}
