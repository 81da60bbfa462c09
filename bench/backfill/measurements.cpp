#include "measurements.h"

#include <algorithm>

namespace tidemark::bench {

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

double Measurement::medianSeconds() const
{
    QList<double> v;
    for (const Sample &s : samples)
        v << s.seconds;
    return median(v);
}

double Measurement::medianPeakMb() const
{
    QList<double> v;
    for (const Sample &s : samples)
        v << s.peakMb;
    return median(v);
}

double Measurement::medianCpuSeconds() const
{
    QList<double> v;
    for (const Sample &s : samples)
        v << s.cpuSeconds;
    return median(v);
}

double Measurement::maxPeakMb() const
{
    double m = 0;
    for (const Sample &s : samples)
        m = std::max(m, s.peakMb);
    return m;
}

} // namespace tidemark::bench
