#include "prometheuswriter.h"

#include <QLocale>

#include <cmath>

namespace tidemark::service {

void PrometheusWriter::family(const QByteArray &name, const QByteArray &type,
                              const QByteArray &help)
{
    // HELP text escapes backslash and newline (not quotes), per the format.
    QByteArray h = help;
    h.replace('\\', "\\\\").replace('\n', "\\n");
    m_text += "# HELP " + name + ' ' + h + "\n# TYPE " + name + ' ' + type + '\n';
}

void PrometheusWriter::sample(const QByteArray &name, const Labels &labels, double value)
{
    m_text += name;
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_text += ',';
            m_text += labels.at(i).first + "=\"" + escapeLabel(labels.at(i).second) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + formatValue(value) + '\n';
}

void PrometheusWriter::histogram(const QByteArray &name, const Labels &labels,
                                 const QList<double> &bounds, const QList<quint64> &cumulative,
                                 double sum, quint64 count)
{
    for (qsizetype i = 0; i < bounds.size(); ++i) {
        Labels l = labels;
        l.append({"le", QString::fromLatin1(formatValue(bounds.at(i)))});
        sample(name + "_bucket", l, double(cumulative.value(i)));
    }
    Labels inf = labels;
    inf.append({"le", QStringLiteral("+Inf")});
    sample(name + "_bucket", inf, double(count));
    sample(name + "_sum", labels, sum);
    sample(name + "_count", labels, double(count));
}

QByteArray PrometheusWriter::formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    // The shortest text that reads back as the same double: 1796658293.861, not
    // 1796658293.8610001.
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

QByteArray PrometheusWriter::escapeLabel(const QString &value)
{
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return v;
}

} // namespace tidemark::service
