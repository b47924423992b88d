using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Frontend.Routing;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.Operations;

/// <summary>ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, bucket versioning.</summary>
public sealed class Buckets(IObjectMetadataStore metadata, BucketAccess access, IOptions<FrontendOptions> options)
{
    private const int MaxConfigurationBytes = 64 * 1024;

    public async Task ListAsync(S3Request request)
    {
        var buckets = await metadata.ListBucketsAsync(request.Auth.AccessKey, request.Aborted);
        await S3Xml.WriteAsync(request.Response, "ListAllMyBucketsResult", w =>
        {
            WriteOwner(w, request.Auth.AccessKey);
            w.WriteStartElement("Buckets", S3Xml.Namespace);
            foreach (var bucket in buckets.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                w.WriteStartElement("Bucket", S3Xml.Namespace);
                w.Element("Name", bucket.Name);
                w.Element("CreationDate", S3Xml.Timestamp(bucket.CreatedUnixMs));
                w.Element("BucketRegion", string.IsNullOrEmpty(bucket.Region) ? options.Value.Region : bucket.Region);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }

    public async Task CreateAsync(S3Request request)
    {
        BucketNames.Validate(request.Bucket);
        var body = await RequestXml.ReadAsync(request, MaxConfigurationBytes);
        var region = body.Document?.Root?.ChildValue("LocationConstraint");
        var created = await metadata.CreateBucketAsync(new CreateBucketRequest
        {
            Name = request.Bucket,
            Owner = request.Auth.AccessKey,
            Region = string.IsNullOrEmpty(region) ? options.Value.Region : region,
        }, request.Aborted);
        if (created.Owner.Length > 0 && created.Owner != request.Auth.AccessKey)
        {
            throw S3Errors.BucketAlreadyExists(request.Bucket);
        }
        request.Response.Headers.Location = "/" + request.Bucket;
        request.Response.ContentLength = 0;
    }

    public async Task DeleteAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        await metadata.DeleteBucketAsync(request.Bucket, request.Aborted);
        access.Forget(request.Bucket);
        request.Response.StatusCode = StatusCodes204;
    }

    public async Task HeadAsync(S3Request request)
    {
        var bucket = await access.RequireOwnerAsync(request);
        request.Response.Headers["x-amz-bucket-region"] = RegionOf(bucket);
        request.Response.ContentLength = 0;
    }

    public async Task GetLocationAsync(S3Request request)
    {
        var bucket = await access.RequireOwnerAsync(request);
        var region = RegionOf(bucket);
        // S3 reports the classic region as an empty constraint.
        await S3Xml.WriteAsync(request.Response, "LocationConstraint", w => w.WriteString(region == "us-east-1" ? string.Empty : region));
    }

    public async Task GetVersioningAsync(S3Request request)
    {
        var bucket = await access.RequireOwnerAsync(request);
        await S3Xml.WriteAsync(request.Response, "VersioningConfiguration", w =>
        {
            w.Element("Status", bucket.Versioning switch
            {
                VersioningState.Enabled => "Enabled",
                VersioningState.Suspended => "Suspended",
                _ => null,
            });
        });
    }

    public async Task PutVersioningAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var body = await RequestXml.ReadAsync(request, MaxConfigurationBytes);
        var state = body.Document?.Root?.ChildValue("Status") switch
        {
            "Enabled" => VersioningState.Enabled,
            "Suspended" => VersioningState.Suspended,
            _ => throw S3Errors.MalformedXML(),
        };
        await metadata.SetBucketVersioningAsync(request.Bucket, state, request.Aborted);
        access.Forget(request.Bucket);
        request.Response.ContentLength = 0;
    }

    internal static void WriteOwner(System.Xml.XmlWriter w, string accessKey)
    {
        w.WriteStartElement("Owner", S3Xml.Namespace);
        w.Element("ID", accessKey);
        w.Element("DisplayName", accessKey);
        w.WriteEndElement();
    }

    private string RegionOf(Bucket bucket) => string.IsNullOrEmpty(bucket.Region) ? options.Value.Region : bucket.Region;

    private const int StatusCodes204 = 204;
}
