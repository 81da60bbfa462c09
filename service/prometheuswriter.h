#pragma once
// The Prometheus text exposition format, version 0.0.4: each family's HELP and TYPE lines,
// then its samples. Label values are escaped (backslash, double quote, newline), and numbers
// are written so that an integer count never turns into 1e+06.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace tidemark::service {

using Labels = QList<QPair<QByteArray, QString>>;

class PrometheusWriter
{
public:
    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Starts a family; `type` is "gauge", "counter" or "histogram".
    void family(const QByteArray &name, const QByteArray &type, const QByteArray &help);
    // `name` is the sample's full name (a histogram's name_bucket, name_sum, name_count).
    void sample(const QByteArray &name, const Labels &labels, double value);
    // The buckets (cumulative counts at each upper bound, +Inf last), _sum and _count.
    void histogram(const QByteArray &name, const Labels &labels, const QList<double> &bounds,
                   const QList<quint64> &cumulative, double sum, quint64 count);

    const QByteArray &text() const { return m_text; }

    static QByteArray formatValue(double value);
    static QByteArray escapeLabel(const QString &value);

private:
    QByteArray m_text;
};

} // namespace tidemark::service
