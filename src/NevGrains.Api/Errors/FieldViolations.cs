using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace NevGrains.Api.Errors;

/// <summary>
/// Invalid-argument errors as the gRPC standard carries them: a <c>google.rpc.Status</c> with a <c>BadRequest</c> listing every
/// field violation, in <c>grpc-status-details-bin</c>. Both ends use this type, so the bounds the gateway applies are the ones
/// clients can rely on.
/// </summary>
public static class FieldViolations
{
    /// <summary>Longest field path kept: paths are the request's own and short, but a hostile key can be a megabyte.</summary>
    public const int MaxField = 200;

    /// <summary>Longest description kept.</summary>
    public const int MaxDescription = 400;

    /// <summary>
    /// Most violations sent. The details travel in a response header, and gRPC clients (grpc-js, grpc-go) refuse headers much over
    /// 8 KB; 16 bounded violations stay under that.
    /// </summary>
    public const int MaxViolations = 16;

    /// <summary>An <see cref="StatusCode.InvalidArgument"/> error naming every violation (up to <see cref="MaxViolations"/>).</summary>
    public static RpcException InvalidArgument(IReadOnlyList<(string Field, string Description)> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count == 0)
        {
            throw new ArgumentException("an invalid-argument error needs at least one violation", nameof(violations));
        }
        var request = new BadRequest();
        foreach (var (field, description) in violations.Take(MaxViolations))
        {
            request.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = Clip(field, MaxField), Description = Clip(description, MaxDescription) });
        }
        var first = request.FieldViolations[0];
        var more = violations.Count - 1;
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"{first.Field}: {first.Description}" + (more > 0 ? $" (and {more} more issue(s))" : ""),
            Details = { Any.Pack(request) },
        };
        return status.ToRpcException();
    }

    /// <summary>The violations an error carries; empty when it carries none (another status, or an older server).</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> Of(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [];
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return []; // a details header that does not parse: the status message is all there is
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";
}
