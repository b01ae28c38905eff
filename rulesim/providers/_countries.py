"""The geoip table of the login-context provider: ~30 countries with a few cities each.

Each :class:`Country` carries its ISO codes, name, continent, calling code and locale, the
address blocks used for IPs "in" the country (IPv4 first octets, an IPv6 /32 prefix), a rough
bounding box for realism checks, and its :class:`City` rows (subdivision, position, time zone)
from which ``request.geoip`` is built. :mod:`rulesim.providers.login_context` re-exports
:data:`COUNTRIES`, :class:`Country` and :class:`City`.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["COUNTRIES", "City", "Country"]


class City(NamedTuple):
    """A city in the geoip table: name, ISO 3166-2 subdivision suffix, position, time zone."""

    name: str
    subdivision: str
    latitude: float
    longitude: float
    time_zone: str


class Country(NamedTuple):
    """A country in the geoip table.

    ``ipv4_octets`` are first octets of public blocks used for addresses "in" the country;
    ``ipv6_prefix`` is the first two groups of an IPv6 /32; ``bbox`` is
    ``(lat_min, lat_max, lon_min, lon_max)``, a rough bounding box used to check realism.
    """

    code: str
    code3: str
    name: str
    continent: str
    calling_code: str
    locale: str
    ipv4_octets: tuple[int, ...]
    ipv6_prefix: str
    bbox: tuple[float, float, float, float]
    cities: tuple[City, ...]


C, Ci = Country, City

COUNTRIES: tuple[Country, ...] = (
    C("US", "USA", "United States", "NA", "1", "en-US", (3, 23, 98), "2600:1f18",
      (24.0, 50.0, -125.0, -66.0),
      (Ci("New York", "NY", 40.71, -74.01, "America/New_York"),
       Ci("San Francisco", "CA", 37.77, -122.42, "America/Los_Angeles"),
       Ci("Chicago", "IL", 41.88, -87.63, "America/Chicago"),
       Ci("Austin", "TX", 30.27, -97.74, "America/Chicago"))),
    C("CA", "CAN", "Canada", "NA", "1", "en-CA", (99, 142), "2607:f2c0",
      (42.0, 70.0, -141.0, -52.0),
      (Ci("Toronto", "ON", 43.65, -79.38, "America/Toronto"),
       Ci("Vancouver", "BC", 49.28, -123.12, "America/Vancouver"),
       Ci("Montreal", "QC", 45.50, -73.57, "America/Toronto"))),
    C("MX", "MEX", "Mexico", "NA", "52", "es-MX", (187, 189), "2806:1000",
      (14.0, 33.0, -118.0, -86.0),
      (Ci("Mexico City", "CMX", 19.43, -99.13, "America/Mexico_City"),
       Ci("Guadalajara", "JAL", 20.67, -103.35, "America/Mexico_City"),
       Ci("Monterrey", "NLE", 25.69, -100.32, "America/Monterrey"))),
    C("BR", "BRA", "Brazil", "SA", "55", "pt-BR", (177, 179), "2804:14c",
      (-34.0, 6.0, -74.0, -34.0),
      (Ci("São Paulo", "SP", -23.55, -46.63, "America/Sao_Paulo"),
       Ci("Rio de Janeiro", "RJ", -22.91, -43.17, "America/Sao_Paulo"),
       Ci("Brasília", "DF", -15.79, -47.88, "America/Sao_Paulo"))),
    C("AR", "ARG", "Argentina", "SA", "54", "es-AR", (181, 186), "2800:810",
      (-55.0, -21.0, -74.0, -53.0),
      (Ci("Buenos Aires", "C", -34.60, -58.38, "America/Argentina/Buenos_Aires"),
       Ci("Córdoba", "X", -31.42, -64.18, "America/Argentina/Cordoba"))),
    C("GB", "GBR", "United Kingdom", "EU", "44", "en-GB", (51, 81), "2a00:23c5",
      (49.0, 61.0, -9.0, 2.0),
      (Ci("London", "ENG", 51.51, -0.13, "Europe/London"),
       Ci("Manchester", "ENG", 53.48, -2.24, "Europe/London"),
       Ci("Edinburgh", "SCT", 55.95, -3.19, "Europe/London"))),
    C("IE", "IRL", "Ireland", "EU", "353", "en-IE", (37, 87), "2a02:8084",
      (51.0, 55.5, -10.5, -6.0),
      (Ci("Dublin", "D", 53.35, -6.26, "Europe/Dublin"),
       Ci("Cork", "CO", 51.90, -8.47, "Europe/Dublin"))),
    C("FR", "FRA", "France", "EU", "33", "fr-FR", (90, 92), "2a01:cb00",
      (41.0, 51.5, -5.5, 10.0),
      (Ci("Paris", "IDF", 48.86, 2.35, "Europe/Paris"),
       Ci("Lyon", "ARA", 45.76, 4.84, "Europe/Paris"),
       Ci("Marseille", "PAC", 43.30, 5.37, "Europe/Paris"))),
    C("DE", "DEU", "Germany", "EU", "49", "de-DE", (46, 84), "2003:e6",
      (47.0, 55.1, 5.8, 15.1),
      (Ci("Berlin", "BE", 52.52, 13.40, "Europe/Berlin"),
       Ci("Munich", "BY", 48.14, 11.58, "Europe/Berlin"),
       Ci("Hamburg", "HH", 53.55, 9.99, "Europe/Berlin"),
       Ci("Frankfurt am Main", "HE", 50.11, 8.68, "Europe/Berlin"))),
    C("NL", "NLD", "Netherlands", "EU", "31", "nl-NL", (145, 77), "2a02:a440",
      (50.7, 53.6, 3.3, 7.3),
      (Ci("Amsterdam", "NH", 52.37, 4.90, "Europe/Amsterdam"),
       Ci("Rotterdam", "ZH", 51.92, 4.48, "Europe/Amsterdam"))),
    C("ES", "ESP", "Spain", "EU", "34", "es-ES", (83, 88), "2a0c:5a80",
      (36.0, 44.0, -9.5, 4.4),
      (Ci("Madrid", "MD", 40.42, -3.70, "Europe/Madrid"),
       Ci("Barcelona", "CT", 41.39, 2.17, "Europe/Madrid"))),
    C("IT", "ITA", "Italy", "EU", "39", "it-IT", (79, 93), "2a01:e11",
      (36.6, 47.1, 6.6, 18.6),
      (Ci("Rome", "62", 41.90, 12.50, "Europe/Rome"),
       Ci("Milan", "25", 45.46, 9.19, "Europe/Rome"))),
    C("SE", "SWE", "Sweden", "EU", "46", "sv-SE", (78, 155), "2001:9b1",
      (55.0, 69.1, 11.0, 24.2),
      (Ci("Stockholm", "AB", 59.33, 18.07, "Europe/Stockholm"),
       Ci("Gothenburg", "O", 57.71, 11.97, "Europe/Stockholm"))),
    C("PL", "POL", "Poland", "EU", "48", "pl-PL", (31, 89), "2a02:a311",
      (49.0, 55.0, 14.0, 24.2),
      (Ci("Warsaw", "14", 52.23, 21.01, "Europe/Warsaw"),
       Ci("Kraków", "12", 50.06, 19.94, "Europe/Warsaw"))),
    C("CH", "CHE", "Switzerland", "EU", "41", "de-CH", (85, 178), "2a02:1210",
      (45.8, 47.9, 5.9, 10.5),
      (Ci("Zürich", "ZH", 47.38, 8.54, "Europe/Zurich"),
       Ci("Geneva", "GE", 46.20, 6.14, "Europe/Zurich"))),
    C("RU", "RUS", "Russia", "EU", "7", "ru-RU", (5, 95), "2a00:1fa0",
      (41.0, 82.0, 19.0, 180.0),
      (Ci("Moscow", "MOW", 55.76, 37.62, "Europe/Moscow"),
       Ci("Saint Petersburg", "SPE", 59.93, 30.34, "Europe/Moscow"),
       Ci("Novosibirsk", "NVS", 55.01, 82.93, "Asia/Novosibirsk"))),
    C("TR", "TUR", "Turkey", "AS", "90", "tr-TR", (176, 212), "2a02:e0",
      (35.8, 42.2, 25.6, 44.9),
      (Ci("Istanbul", "34", 41.01, 28.98, "Europe/Istanbul"),
       Ci("Ankara", "06", 39.93, 32.86, "Europe/Istanbul"))),
    C("IN", "IND", "India", "AS", "91", "en-IN", (49, 117), "2401:4900",
      (6.5, 35.7, 68.0, 97.4),
      (Ci("Mumbai", "MH", 19.08, 72.88, "Asia/Kolkata"),
       Ci("Bengaluru", "KA", 12.97, 77.59, "Asia/Kolkata"),
       Ci("Delhi", "DL", 28.70, 77.10, "Asia/Kolkata"))),
    C("CN", "CHN", "China", "AS", "86", "zh-CN", (36, 111), "240e:3b0",
      (18.0, 53.6, 73.5, 135.0),
      (Ci("Shanghai", "SH", 31.23, 121.47, "Asia/Shanghai"),
       Ci("Beijing", "BJ", 39.90, 116.41, "Asia/Shanghai"),
       Ci("Shenzhen", "GD", 22.54, 114.06, "Asia/Shanghai"))),
    C("JP", "JPN", "Japan", "AS", "81", "ja-JP", (126, 133), "2400:4050",
      (24.0, 45.6, 122.9, 146.0),
      (Ci("Tokyo", "13", 35.68, 139.69, "Asia/Tokyo"),
       Ci("Osaka", "27", 34.69, 135.50, "Asia/Tokyo"))),
    C("KR", "KOR", "South Korea", "AS", "82", "ko-KR", (112, 121), "2001:2d8",
      (33.0, 38.7, 124.5, 131.0),
      (Ci("Seoul", "11", 37.57, 126.98, "Asia/Seoul"),
       Ci("Busan", "26", 35.18, 129.08, "Asia/Seoul"))),
    C("SG", "SGP", "Singapore", "AS", "65", "en-SG", (118, 203), "2406:3003",
      (1.15, 1.48, 103.6, 104.1),
      (Ci("Singapore", "01", 1.35, 103.82, "Asia/Singapore"),
       Ci("Jurong West", "03", 1.34, 103.71, "Asia/Singapore"))),
    C("AU", "AUS", "Australia", "OC", "61", "en-AU", (1, 101), "2001:8003",
      (-44.0, -10.0, 112.0, 154.0),
      (Ci("Sydney", "NSW", -33.87, 151.21, "Australia/Sydney"),
       Ci("Melbourne", "VIC", -37.81, 144.96, "Australia/Melbourne"),
       Ci("Perth", "WA", -31.95, 115.86, "Australia/Perth"))),
    C("NZ", "NZL", "New Zealand", "OC", "64", "en-NZ", (122, 202), "2404:4408",
      (-47.5, -34.0, 166.0, 179.0),
      (Ci("Auckland", "AUK", -36.85, 174.76, "Pacific/Auckland"),
       Ci("Wellington", "WGN", -41.29, 174.78, "Pacific/Auckland"))),
    C("ZA", "ZAF", "South Africa", "AF", "27", "en-ZA", (41, 105), "2c0f:f4c0",
      (-35.0, -22.0, 16.4, 33.0),
      (Ci("Johannesburg", "GP", -26.20, 28.05, "Africa/Johannesburg"),
       Ci("Cape Town", "WC", -33.92, 18.42, "Africa/Johannesburg"))),
    C("NG", "NGA", "Nigeria", "AF", "234", "en-NG", (102, 197), "2c0f:f5c0",
      (4.0, 14.0, 2.6, 14.7),
      (Ci("Lagos", "LA", 6.52, 3.38, "Africa/Lagos"),
       Ci("Abuja", "FC", 9.08, 7.40, "Africa/Lagos"))),
    C("EG", "EGY", "Egypt", "AF", "20", "ar-EG", (156, 196), "2c0f:fc89",
      (22.0, 31.7, 24.7, 36.9),
      (Ci("Cairo", "C", 30.04, 31.24, "Africa/Cairo"),
       Ci("Alexandria", "ALX", 31.20, 29.92, "Africa/Cairo"))),
    C("AE", "ARE", "United Arab Emirates", "AS", "971", "ar-AE", (94, 213), "2001:8f8",
      (22.6, 26.1, 51.5, 56.4),
      (Ci("Dubai", "DU", 25.20, 55.27, "Asia/Dubai"),
       Ci("Abu Dhabi", "AZ", 24.45, 54.38, "Asia/Dubai"))),
    C("ID", "IDN", "Indonesia", "AS", "62", "id-ID", (114, 180), "2001:448a",
      (-11.0, 6.0, 95.0, 141.0),
      (Ci("Jakarta", "JK", -6.21, 106.85, "Asia/Jakarta"),
       Ci("Surabaya", "JI", -7.25, 112.75, "Asia/Jakarta"))),
)
del C, Ci
