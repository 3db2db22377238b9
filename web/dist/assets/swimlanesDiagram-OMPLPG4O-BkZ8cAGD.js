import{r as e,t}from"./chunk-QB3YPZ4I-cYYlCnmR.js";import"./chunk-TU62E6Q5-pzbacCmX.js";import"./mermaid.core-wS9Yu5Vu.js";import"./chunk-HFQBQIA3-Dn850avo.js";import"./chunk-M57EVK23-BMAI1hw4.js";import"./chunk-DQASFODM-CeTWtRkq.js";import"./chunk-LEVMRMFU-D3FcvT43.js";import"./chunk-AXFCVDMN-B-XN2eXk.js";import"./chunk-X4PVCEUW-CapZ88Q9.js";import"./chunk-STOXU5M4-DCf0RtFs.js";import"./chunk-R3KSYZAL-CKmA4m_1.js";import"./chunk-6MUBBAK2-PY8U9E51.js";import"./chunk-BG4553SI-BWIt75cm.js";import"./d3-selection-sfXsRRW8.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};