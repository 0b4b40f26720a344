using System.Buffers;

namespace Casto.Stack.Security.Noise;

/// <summary>The decrypted bytes: a chain of pooled arrays exposed as one <see cref="ReadOnlySequence{T}"/>.</summary>
internal sealed partial class NoisePipeReader
{
    // Small frames share an array; a full 65519-byte frame gets its own 64 KiB array.
    private const int MinimumSegmentSize = 4096;
    private const int MaxPooledSegments = 8;

    // Plaintext decrypted ahead of the consumer at most (a few full frames).
    private const int MaxReadAhead = 4 * 65536;

    private Segment? _head;
    private int _headIndex;
    private Segment? _tail;
    private Segment? _free;
    private int _freeCount;

    private ReadOnlySequence<byte> Buffered =>
        _head is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_head, _headIndex, _tail!, _tail!.End);

    // Room for `size` bytes at the end of the buffer (a ciphertext is decrypted in place when it is split).
    private Span<byte> ReserveTail(int size)
    {
        if (_tail is null || _tail.Array.Length - _tail.End < size)
        {
            var segment = _free;
            if (segment is null)
            {
                segment = new Segment();
            }
            else
            {
                _free = segment.NextFree;
                _freeCount--;
            }

            segment.Initialize(ArrayPool<byte>.Shared.Rent(Math.Max(size, MinimumSegmentSize)));
            if (_tail is null)
            {
                _head = segment;
                _headIndex = 0;
            }
            else
            {
                _tail.SetNext(segment);
            }

            _tail = segment;
        }

        return _tail.Array.AsSpan(_tail.End, size);
    }

    private void CommitTail(int count) => _tail!.SetEnd(_tail.End + count);

    // Frees the arrays before `consumed`; returns whether `examined` is the end of the buffer.
    private bool Release(SequencePosition consumed, SequencePosition examined)
    {
        if (_head is null)
        {
            return true;
        }

        var examinedAll = examined.GetObject() is Segment last
            && new ReadOnlySequence<byte>(last, examined.GetInteger(), _tail!, _tail!.End).Length == 0;
        var target = consumed.GetObject() as Segment ?? throw new ArgumentOutOfRangeException(nameof(consumed), "The position is not from this reader.");
        while (_head != target)
        {
            var next = _head.Next as Segment ?? throw new ArgumentOutOfRangeException(nameof(consumed), "The position is not from this reader.");
            Recycle(_head);
            _head = next;
        }

        _headIndex = consumed.GetInteger();
        if (_head == _tail && _headIndex == _tail.End)
        {
            Recycle(_head);
            _head = _tail = null;
            _headIndex = 0;
        }

        return examinedAll;
    }

    private void ReleaseAll()
    {
        while (_head is not null)
        {
            var next = _head.Next as Segment;
            Recycle(_head);
            _head = next;
        }

        _tail = null;
        _free = null;
        _freeCount = 0;
    }

    private void Recycle(Segment segment)
    {
        ArrayPool<byte>.Shared.Return(segment.Array);
        segment.Initialize([]);
        if (!_completed && _freeCount < MaxPooledSegments)
        {
            segment.NextFree = _free;
            _free = segment;
            _freeCount++;
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public byte[] Array { get; private set; } = [];

        public int End { get; private set; }

        public Segment? NextFree { get; set; }

        public void Initialize(byte[] array)
        {
            Array = array;
            End = 0;
            Memory = default;
            Next = null;
            NextFree = null;
            RunningIndex = 0;
        }

        public void SetEnd(int end)
        {
            End = end;
            Memory = Array.AsMemory(0, end);
        }

        public void SetNext(Segment next)
        {
            Next = next;
            next.RunningIndex = RunningIndex + End;
        }
    }
}
