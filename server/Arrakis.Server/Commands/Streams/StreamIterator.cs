namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// Walks the live entries of a stream between two IDs (inclusive), forward or backward, node by
/// node. The stream must not change while it runs (one command, under the key's stripe).
/// </summary>
internal sealed class StreamIterator
{
    private readonly StreamValue _stream;
    private readonly StreamId _start, _end;
    private readonly bool _reverse;
    private int _node;
    private int _pos = -1;
    private List<int>? _positions;
    private int _index;

    public StreamIterator(StreamValue stream, StreamId start, StreamId end, bool reverse)
    {
        _stream = stream;
        _start = start;
        _end = end;
        _reverse = reverse;
        _node = stream.Nodes.Count == 0 ? -1 : stream.NodeIndexFor(reverse ? end : start);
    }

    /// <summary>The next live entry in range; false when there is none.</summary>
    public bool Next(out StreamEntry entry)
    {
        entry = default;
        var nodes = _stream.Nodes;
        while (_node >= 0 && _node < nodes.Count)
        {
            var node = nodes[_node];
            if (!_reverse)
            {
                if (_pos < 0) _pos = node.FirstEntryPos;
                while (!Listpack.AtEnd(node.Lp, _pos))
                {
                    _pos = node.ReadEntry(_pos, out var e);
                    if (e.IsDeleted || e.Id < _start) continue;
                    if (e.Id > _end)
                    {
                        _node = -1;
                        return false;
                    }
                    entry = e;
                    return true;
                }
                _node++;
                _pos = -1;
            }
            else
            {
                if (_positions is null)
                {
                    _positions = node.EntryPositions();
                    _index = _positions.Count - 1;
                }
                while (_index >= 0)
                {
                    node.ReadEntry(_positions[_index--], out var e);
                    if (e.IsDeleted || e.Id > _end) continue;
                    if (e.Id < _start)
                    {
                        _node = -1;
                        return false;
                    }
                    entry = e;
                    return true;
                }
                _node--;
                _positions = null;
            }
        }
        return false;
    }
}
