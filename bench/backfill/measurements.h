#pragma once
// One timed thing (a Tidemark backfill for one pairing, or a baseline), its samples over the
// runs, and the medians the report quotes.

#include <QList>
#include <QString>

namespace tidemark::bench {

struct Sample
{
    double seconds = 0;
    double peakMb = 0;
    double cpuSeconds = 0; // the client's own CPU time; the servers' is not in it
};

struct Measurement
{
    QString name;
    qint64 rows = 0; // rows copied per run (the single-row loop runs on a subset)
    QList<Sample> samples;

    double medianSeconds() const;
    double medianPeakMb() const;
    double maxPeakMb() const;
    double medianCpuSeconds() const;
    double rowsPerSecond() const { return double(rows) / medianSeconds(); }
};

double median(QList<double> values);

} // namespace tidemark::bench
