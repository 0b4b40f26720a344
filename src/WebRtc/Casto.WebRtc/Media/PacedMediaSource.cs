using System.Runtime.CompilerServices;

namespace Casto.WebRtc.Media;

/// <summary>Options for <see cref="PacedMediaSource"/>.</summary>
public sealed class PacedSourceOptions
{
    /// <summary>Start again from the first frame after the last one, forever. Default false.</summary>
    public bool Loop { get; set; }

    /// <summary>RTP clock rate in Hz. Default 90000 (video, RFC 3551 §5).</summary>
    public int ClockRate { get; set; } = 90_000;

    /// <summary>RTP timestamp of the first frame. Default 0; RFC 3550 §5.1 asks senders to pick it at random.</summary>
    public uint InitialRtpTimestamp { get; set; }

    internal static PacedSourceOptions Default { get; } = new();

    internal void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(ClockRate, 1, nameof(ClockRate));
}

/// <summary>A frame released by <see cref="PacedMediaSource"/> at its due time.</summary>
/// <param name="Data">The frame bytes (a slice of the clip; valid as long as the clip).</param>
/// <param name="IsKeyframe">True for a key frame.</param>
/// <param name="RtpTimestamp">RTP timestamp at the configured clock rate.</param>
/// <param name="DueTime">Time since the start of playback at which the frame is due.</param>
/// <param name="Sequence">Count of frames released before this one (keeps growing across loops).</param>
public readonly record struct PacedFrame(ReadOnlyMemory<byte> Data, bool IsKeyframe, uint RtpTimestamp, TimeSpan DueTime, long Sequence);

/// <summary>
/// Plays a <see cref="MediaClip"/> in real time on a <see cref="TimeProvider"/>: frame i (of loop k) is released
/// when <c>(k * clip.Duration + timestamp_i - timestamp_0)</c> ticks have passed since the enumeration started,
/// with RTP timestamp <c>InitialRtpTimestamp + that time at ClockRate</c> (30 fps ⇒ +3000 per frame at 90 kHz).
/// A frame is never released before its due time (timers run in whole milliseconds, so up to 1 ms after it plus
/// timer latency). A consumer that falls behind gets the late frames at once; none are skipped.
/// </summary>
public sealed class PacedMediaSource
{
    private readonly MediaClip _clip;
    private readonly PacedSourceOptions _options;
    private readonly TimeProvider _time;
    private int _keyFrameRequested;

    /// <summary>Plays <paramref name="clip"/>; <paramref name="timeProvider"/> defaults to <see cref="TimeProvider.System"/>.</summary>
    public PacedMediaSource(MediaClip clip, PacedSourceOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        options ??= PacedSourceOptions.Default;
        options.Validate();
        _clip = clip;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Answers a PLI/FIR for a file source: frames are skipped (not released, not waited for) until the next key
    /// frame, which is released at its own due time. Thread-safe; repeated requests before that key frame count once.
    /// </summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyFrameRequested, 1);

    /// <summary>Releases the frames at their due times; ends after the last frame unless looping.</summary>
    public async IAsyncEnumerable<PacedFrame> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_clip.Count == 0)
        {
            yield break;
        }

        long start = _time.GetTimestamp();
        long first = _clip[0].Timestamp;
        long sequence = 0;
        for (long loop = 0; loop == 0 || _options.Loop; loop++)
        {
            for (int i = 0; i < _clip.Count; i++)
            {
                MediaClipFrame frame = _clip[i];
                long ticks = (loop * _clip.Duration) + frame.Timestamp - first;
                TimeSpan due = _clip.Timebase.ToTimeSpan(ticks);
                if (SkipForKeyFrame(frame))
                {
                    continue; // skipped frames are not waited for
                }

                for (TimeSpan wait = due - _time.GetElapsedTime(start); wait > TimeSpan.Zero; wait = due - _time.GetElapsedTime(start))
                {
                    // Task.Delay works in whole milliseconds: round up so a frame is never released early.
                    long ms = (wait.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
                    await Task.Delay(TimeSpan.FromMilliseconds(ms), _time, cancellationToken).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (SkipForKeyFrame(frame))
                {
                    continue; // requested during the wait
                }

                uint rtp = unchecked(_options.InitialRtpTimestamp + (uint)_clip.Timebase.Rescale(ticks, _options.ClockRate));
                yield return new PacedFrame(frame.Data, frame.IsKeyframe, rtp, due, sequence++);
            }
        }
    }

    /// <summary>True when a key frame is requested and <paramref name="frame"/> is not one; a key frame clears the request.</summary>
    private bool SkipForKeyFrame(MediaClipFrame frame)
    {
        if (Volatile.Read(ref _keyFrameRequested) == 0)
        {
            return false;
        }

        if (frame.IsKeyframe)
        {
            Volatile.Write(ref _keyFrameRequested, 0);
            return false;
        }

        return true;
    }
}
