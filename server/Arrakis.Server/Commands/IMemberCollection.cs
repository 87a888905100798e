namespace Arrakis.Server.Commands;

/// <summary>A collection whose members (set members, sorted-set members, hash fields) can be removed by name.</summary>
internal interface IMemberCollection
{
    int Count { get; }

    /// <summary>Removes a member; true when it was there.</summary>
    bool Remove(ReadOnlySpan<byte> member);
}
